// Produces both SBOMs: with syft when it is on PATH (normalised so no wall-clock time or random id survives),
// else with qlf's built-in reader of requirements.txt / package.json.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-fs.js';
import { canonicalJson } from '../../../core/canonical-json.js';
import { inputError } from '../../../core/errors.js';
import type { TarEntry } from '../../../core/tar.js';
import { contentUuid } from './content-uuid.js';
import { type Dependency, readDependencies, withTestedVersions } from './dependencies.js';
import { findOnPath, runSyft } from './external-tools.js';
import { cyclonedxSbom, type SbomSubject } from './sbom-cyclonedx.js';
import { spdxDate, spdxSbom } from './sbom-spdx.js';

export type SbomGeneratorChoice = 'auto' | 'qlf' | 'syft';

export interface Sboms {
  generator: 'qlf' | 'syft';
  cyclonedx: string;
  spdx: string;
  dependencies: Dependency[];
  components: number;
}

async function withSyft(syft: string, subject: SbomSubject, files: readonly TarEntry[], epoch: number) {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-syft-'));
  try {
    for (const file of files) await writeFileAtomic(join(dir, file.path), file.content);
    const { cyclonedx, spdx } = (await runSyft(syft, dir)) as {
      cyclonedx: { metadata?: Record<string, unknown>; serialNumber?: string; components?: unknown[] };
      spdx: { creationInfo?: Record<string, unknown>; documentNamespace?: string };
    };
    const id = contentUuid(['syft', subject.name, subject.irSha256, canonicalJson(cyclonedx.components ?? [])]);
    if (cyclonedx.metadata) delete cyclonedx.metadata.timestamp;
    cyclonedx.serialNumber = `urn:uuid:${id}`;
    spdx.creationInfo = { ...spdx.creationInfo, created: spdxDate(epoch) };
    spdx.documentNamespace = `https://qlf.dev/spdx/${encodeURIComponent(subject.name)}-${id}`;
    return {
      cyclonedx: canonicalJson(cyclonedx),
      spdx: canonicalJson(spdx),
      components: cyclonedx.components?.length ?? 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `files` are the service's files with paths relative to the service root; `tested` maps PEP 503 names to the versions
 * the verify stage's tests imported (the verify report's `tested.packages`), recorded in qlf's CycloneDX SBOM.
 */
export async function buildSboms(
  subject: SbomSubject,
  files: readonly TarEntry[],
  epoch: number,
  choice: SbomGeneratorChoice = 'auto',
  tested?: Record<string, string>,
): Promise<Sboms> {
  const dependencies = withTestedVersions(readDependencies(files), tested);
  const syft = choice === 'qlf' ? undefined : findOnPath('syft');
  if (choice === 'syft' && !syft) {
    throw inputError('E_SYFT_MISSING', 'the SBOM generator is set to syft, but no syft executable is on PATH', {
      hint: 'Install syft, or let qlf write the SBOMs itself (generator `auto` or `qlf`).',
    });
  }
  if (syft) {
    const made = await withSyft(syft, subject, files, epoch);
    return { generator: 'syft', dependencies, ...made };
  }
  return {
    generator: 'qlf',
    cyclonedx: cyclonedxSbom(subject, dependencies),
    spdx: spdxSbom(subject, dependencies, epoch),
    dependencies,
    components: dependencies.length,
  };
}
