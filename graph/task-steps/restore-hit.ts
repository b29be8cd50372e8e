// A task served from the cache: its entry restored into the task's folder (from the local cache, else the remote), and
// kept only if the stage agrees it still describes the world (e.g. the built image is still in the engine).
import type { CacheHit, TaskCache } from '../../cache/task-cache.js';
import type { RunOnce } from '../stage-task.js';
import type { TaskPlace } from './task-place.js';

export async function restoreHit(
  place: TaskPlace,
  hash: string,
  cache: TaskCache,
  once: RunOnce,
): Promise<CacheHit | undefined> {
  const { task, brief, outDir, publishTo } = place;
  const hit = await cache.lookup(hash, outDir);
  if (!hit || !task.validateHit) return hit;
  const valid = await task.validateHit({ config: publishTo.config, brief, outputsDir: outDir, once });
  return valid ? hit : undefined;
}
