// The pin check: each exact pin of the service's requirements files that the interpreter which ran the tests does not
// satisfy is a `pin-untested` warning: the image would install code no test ran.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRequirementLines } from '../../../core/requirements-txt.js';
import { PYTHON_PINS } from '../../generate/lib/python-pins.js';
import type { ImportedVersions } from './imported-versions.js';
import { satisfiesPin } from './pep440-equal.js';
import type { RunnerFinding } from './runner.js';

/** The requirements files checked, relative to the service root: the image's pins, then the test tools'. */
export const PINNED_FILES = ['requirements.txt', 'requirements-dev.txt'] as const;

export interface PinnedFile {
  /** Relative to the service root. */
  file: string;
  text: string;
}

/** The service's requirements files that exist. */
export async function readPinnedFiles(serviceDir: string): Promise<PinnedFile[]> {
  const found: PinnedFile[] = [];
  for (const file of PINNED_FILES) {
    try {
      found.push({ file, text: await readFile(join(serviceDir, file), 'utf8') });
    } catch {
      // Absent: nothing pinned there.
    }
  }
  return found;
}

/** PEP 503 names of every distribution pinned exactly: the ones whose installed version the test run must report. */
/** Pinned distribution → the one the tests run instead, the same release packaged differently. */
const TESTED_AS = new Map<string, string>(
  Object.values(PYTHON_PINS)
    .filter((pin): pin is typeof pin & { testedAs: string } => 'testedAs' in pin)
    .map((pin) => [pin.name, pin.testedAs]),
);

export function pinnedNames(files: readonly PinnedFile[]): string[] {
  const names = files.flatMap(({ text }) =>
    readRequirementLines(text)
      .filter((requirement) => requirement.version)
      .flatMap((requirement) => [requirement.normalizedName, TESTED_AS.get(requirement.normalizedName) ?? []].flat()),
  );
  return [...new Set(names)].sort();
}

function problem(pin: string, pinned: string, imported: ImportedVersions): string {
  const python = imported.tested.python;
  // A pin the tests run as another distribution (psycopg2-binary as psycopg2) is described by that one when present.
  const alias = TESTED_AS.get(pinned);
  const name =
    alias && (imported.tested.packages[alias] !== undefined || imported.installed[alias] != null) ? alias : pinned;
  const tested = imported.tested.packages[name];
  if (tested !== undefined) return `${pin} is pinned, but the tests ran with ${name} ${tested} (Python ${python})`;
  const installed = imported.installed[name];
  if (installed === null || installed === undefined) {
    return `${pin} is pinned, but the interpreter that ran the tests (Python ${python}) does not have ${name}: no test ran with it`;
  }
  return `${pin} is pinned, but the interpreter that ran the tests has ${name} ${installed} (the tests did not import it)`;
}

/** Per distribution, pinned release → the version a known build of exactly that release reports. */
const SAME_RELEASE = new Map<string, Record<string, string>>(
  Object.values(PYTHON_PINS)
    .filter((pin): pin is typeof pin & { reports: string } => 'reports' in pin)
    .map((pin) => [pin.name, { [pin.version]: pin.reports }]),
);

/** One warning per exact pin whose version differs from the one tested (or installed), or that is not installed. */
export function untestedPins(files: readonly PinnedFile[], imported: ImportedVersions): RunnerFinding[] {
  const findings: RunnerFinding[] = [];
  for (const { file, text } of files) {
    for (const requirement of readRequirementLines(text)) {
      const { version, operator, normalizedName: name } = requirement;
      if (!version || !operator) continue;
      const alias = TESTED_AS.get(name);
      const have =
        imported.tested.packages[name] ??
        imported.installed[name] ??
        (alias ? (imported.tested.packages[alias] ?? imported.installed[alias]) : undefined);
      if (have && satisfiesPin(operator, version, have)) continue;
      // A distribution that reports a build of the pinned release under another version (Debian's alembic 1.8.1 says
      // 1.8.1.dev0) ran the pinned code: qlf's pin table names such equivalents.
      if (have && operator === '==' && SAME_RELEASE.get(name)?.[version] === have) continue;
      const message = problem(`${requirement.name}${operator}${version}`, name, imported);
      findings.push({ rule: 'pin-untested', severity: 'warning', message, file, line: requirement.line });
    }
  }
  return findings;
}
