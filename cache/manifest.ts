// The manifest stored beside a cache entry's files: enough to verify every byte and to replay the task's output.
import { z } from 'zod';

export const cacheManifestSchema = z.object({
  /** `<brief>:<stage>` that produced the entry (entries are shared by hash; this is the first producer). */
  taskId: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number().int().nonnegative() })),
  /** What the task printed, replayed on a cache hit. */
  terminalOutput: z.string(),
  /** How long the task took when it ran: the time a hit saves. */
  durationMs: z.number().nonnegative(),
  qlfVersion: z.string(),
});
export type CacheManifest = z.infer<typeof cacheManifestSchema>;
