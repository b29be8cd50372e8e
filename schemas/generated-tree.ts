// What the generate stage returns: files in memory, written to disk by the caller (atomically, merging user edits).
import { z } from 'zod';

export const generatedFileSchema = z.object({
  /** POSIX path relative to the service root. */
  path: z.string(),
  content: z.string(),
  /** Unix mode; 0o644 unless executable. */
  mode: z.number().int().optional(),
  /** The agent that produced it. */
  agent: z.string(),
});
export type GeneratedFile = z.infer<typeof generatedFileSchema>;

export const generatedTreeSchema = z.object({
  /** Service name (the brief name). */
  name: z.string(),
  files: z.array(generatedFileSchema),
  /** Agents chosen per artifact kind, with their scores. */
  agents: z.array(z.object({ kind: z.string(), agent: z.string(), score: z.number() })),
});
export type GeneratedTree = z.infer<typeof generatedTreeSchema>;
