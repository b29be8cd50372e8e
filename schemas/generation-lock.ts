// `qlf.lock.json`, committed at the root of a service's working copy: what the working copy was last generated from.
// It holds the IR and the digest of every generated file, so the merge base of the next regeneration can be derived
// again on any machine (a fresh clone, CI), and checked byte for byte, without committing a second copy of the code.
import { z } from 'zod';
import { migrationStateSchema } from './migration-schema.js';

export const lockedFileSchema = z.object({
  /** sha256 of the file as qlf generated it (the merge base), not as it is now. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Unix permission bits it was generated with. */
  mode: z.number().int().min(0).max(0o777),
});

export const generationLockSchema = z.object({
  lockfileVersion: z.literal(1),
  /** The brief (and service) name. */
  name: z.string(),
  /** What generated the files: qlf's version, the generate provider and (for a model) the model that answered. */
  generator: z.object({ qlf: z.string(), provider: z.string(), model: z.string().optional() }),
  /** Every generated file by POSIX path relative to the working copy. */
  files: z.record(z.string(), lockedFileSchema),
  /** The IR the files were generated from (the merge base is generated from it again when not cached locally). */
  ir: z.record(z.string(), z.unknown()),
  /**
   * The schema qlf's Alembic revisions build and the revisions it wrote: the next schema change becomes the revision
   * after the chain's head. Absent for services without migrations (and before the first generation).
   */
  migrations: migrationStateSchema.optional(),
});
export type GenerationLock = z.infer<typeof generationLockSchema>;
