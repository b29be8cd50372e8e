// Task hashes. sha256 (core/hash.ts): built into node:crypto (no native dependency), and the same digest the SBOM and
// provenance use. The first stage hashes its sources; every later stage hashes the OUTPUT of the stages it reads, not
// their inputs, which gives early cutoff: a comment edit re-runs compile, yields the same IR, and the rest hits.
import { hashParts } from '../core/hash.js';
import { qlfCodeIdentity } from './code-identity.js';
import type { HashParts } from './stage-task.js';
import type { StageName } from './stages.js';

export const TASK_HASH_SCHEME = 'qlf-task/v1';

export interface TaskHashInput {
  stage: StageName;
  /** Output digests of the same brief's stages this one reads, by stage. */
  upstream: Partial<Record<StageName, string>>;
  /** Output digests of the same stage of the briefs this one uses, by brief name. */
  uses: Record<string, string>;
  /** The stage task's own parts (sources or settings). */
  parts: HashParts;
}

export function computeTaskHash(input: TaskHashInput): string {
  const upstream = Object.entries(input.upstream)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stage, digest]) => `upstream ${stage}=${digest}`);
  const uses = Object.entries(input.uses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, digest]) => `uses ${name}=${digest}`);
  return hashParts([
    TASK_HASH_SCHEME,
    `qlf ${qlfCodeIdentity()}`,
    `stage ${input.stage}`,
    ...upstream,
    ...uses,
    ...input.parts,
  ]);
}
