// The record of what a graph run last published for a brief (`.qlf/published/<name>.json`), and the stat-only check
// that it still holds. Light on purpose (no cache, no schemas): the check also runs in a worker thread.
import { readFileSync } from 'node:fs';
import { entryDirOf, entryPaths } from '../cache/entry-layout.js';
import { digestStamps, type TreeStamp, treeUnchanged } from '../cache/file-stamp.js';
import type { StageName } from './stages.js';

/** One stage of one brief as last published. */
export interface PublishedStage {
  /** Task hash of what was published: the record serves only this hash. */
  hash: string;
  /** Digest of the task's output files (downstream task hashes use it). */
  outputHash: string;
  /** Replayed as the task's output, as on any cache hit. */
  terminalOutput: string;
  /** How long the task took when it ran: the time a hit saves. */
  durationMs: number;
  /** The cache entry the outputs came from: its manifest's file paths and its stamp when last verified. */
  entry: { files: string[]; stamp: string };
  /** Every path the publish wrote or read (`publishedPaths`), stamped right after it finished. */
  published: { path: string; tree: TreeStamp }[];
}

export interface PublishedRecord {
  version: 1;
  stages: Partial<Record<StageName, PublishedStage>>;
}

function isTreeStamp(value: unknown): value is TreeStamp {
  const tree = value as TreeStamp;
  return (
    Array.isArray(tree?.paths) && tree.paths.every((p) => typeof p === 'string') && typeof tree.digest === 'string'
  );
}

function isPublishedStage(value: unknown): value is PublishedStage {
  const stage = value as PublishedStage;
  return (
    typeof stage?.hash === 'string' &&
    typeof stage.outputHash === 'string' &&
    typeof stage.terminalOutput === 'string' &&
    typeof stage.durationMs === 'number' &&
    Array.isArray(stage.entry?.files) &&
    stage.entry.files.every((f) => typeof f === 'string') &&
    typeof stage.entry.stamp === 'string' &&
    Array.isArray(stage.published) &&
    stage.published.every((p) => typeof p?.path === 'string' && isTreeStamp(p.tree))
  );
}

/** Reads a record; a missing, hand-edited or torn one reads as empty (every stage is then checked the slow way). */
export function readPublishedRecord(file: string): PublishedRecord {
  const record: PublishedRecord = { version: 1, stages: {} };
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as PublishedRecord;
    if (data?.version === 1 && data.stages && typeof data.stages === 'object') {
      for (const [stage, value] of Object.entries(data.stages)) {
        if (isPublishedStage(value)) record.stages[stage as StageName] = value;
      }
    }
  } catch {
    // none yet, or unreadable
  }
  return record;
}

/**
 * Whether everything `stage` vouches for is as it was: the cache entry as when it was last verified, and every
 * published path as right after publishing. Stat calls only.
 */
export function stageUnchanged(stage: PublishedStage, cacheDir: string): boolean {
  const entry = entryDirOf(cacheDir, stage.hash);
  if (digestStamps(entry, entryPaths(stage.entry.files)) !== stage.entry.stamp) return false;
  return stage.published.every((p) => treeUnchanged(p.path, p.tree));
}

/** What a verdict on a stage was about: it applies only to a record with the same hash and stamps. */
export function verdictKey(stage: PublishedStage): string {
  return [stage.hash, stage.entry.stamp, ...stage.published.map((p) => `${p.path}\0${p.tree.digest}`)].join('\0');
}
