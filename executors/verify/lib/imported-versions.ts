// Which installed distributions a pytest run imported, and their versions: set up qlf's pytest plugin
// (`executors/verify/python/qlf_imported_versions.py`) for one run and read what it wrote.
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import { packagePath } from '../../../core/package-info.js';
import type { TestedVersions } from '../../../schemas/verify-report.js';

/** The plugin's module name, for pytest's `-p`. */
export const IMPORTED_VERSIONS_PLUGIN = 'qlf_imported_versions';

const recordSchema = z.object({
  python: z.string(),
  packages: z.record(z.string(), z.string()),
  installed: z.record(z.string(), z.string().nullable()).default({}),
});

export interface ImportedVersions {
  /** The interpreter and the distributions the tests imported, keys sorted: the verify report's `tested`. */
  tested: TestedVersions;
  /** PEP 503 name → installed version (null: not installed), for the distributions asked about, imported or not. */
  installed: Record<string, string | null>;
}

export interface ImportedVersionsCapture {
  /** Arguments for `python -m pytest` that load the plugin. */
  args: string[];
  /** Variables for the pytest process: PYTHONPATH (the plugin's folder first) and where the plugin writes. */
  env: Record<string, string>;
  /** What the plugin wrote, or undefined when the session never finished (timeout, crash before the end). */
  read(): Promise<ImportedVersions | undefined>;
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Parses the plugin's JSON; undefined when it is not the plugin's record. */
export function parseImportedVersions(text: string): ImportedVersions | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { python, packages, installed } = parsed.data;
  return { tested: { python, packages: sortedRecord(packages) }, installed: sortedRecord(installed) };
}

/**
 * Sets up one capture writing into `tmpDir` (a folder of this run alone, so several runs can each have their own).
 * `pinned` names the distributions whose installed version is wanted even when the tests do not import them;
 * `pythonPath` is the PYTHONPATH the run would otherwise have.
 */
export function captureImportedVersions(
  tmpDir: string,
  pinned: readonly string[] = [],
  pythonPath?: string,
): ImportedVersionsCapture {
  const file = join(tmpDir, 'imported-versions.json');
  const pluginDir = packagePath('executors', 'verify', 'python');
  return {
    args: ['-p', IMPORTED_VERSIONS_PLUGIN],
    env: {
      PYTHONPATH: pythonPath ? `${pluginDir}${delimiter}${pythonPath}` : pluginDir,
      QLF_IMPORTED_VERSIONS: file,
      QLF_PINNED_DISTRIBUTIONS: [...new Set(pinned)].sort().join(','),
    },
    async read() {
      try {
        return parseImportedVersions(await readFile(file, 'utf8'));
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The union of two test runs' records (several runs of one report, e.g. one per database, share the interpreter);
 * where both name a distribution, the first run's version stays.
 */
export function mergeTestedVersions(first: TestedVersions | undefined, next: TestedVersions | undefined) {
  if (!first || !next) return first ?? next;
  return { python: first.python, packages: sortedRecord({ ...next.packages, ...first.packages }) };
}
