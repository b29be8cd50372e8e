// The warm path: a task whose hash's outputs are what is published, with nothing under the published paths changed
// since and the cache entry as it was when last checked. Restoring and publishing again would write the same bytes,
// so the task is served from the record alone: no restore, no publish, only stat calls.
import type { PublishedStage, PublishedState } from '../published-state.js';
import type { RunOnce } from '../stage-task.js';
import type { TaskPlace } from './task-place.js';

/**
 * The published record that can stand in for task `hash`, or undefined when the task must be restored or run.
 * `paths` are the published paths (see `publishedPaths`).
 */
export async function tryWarmPath(
  place: TaskPlace,
  hash: string,
  paths: readonly string[],
  published: PublishedState,
  once: RunOnce,
): Promise<PublishedStage | undefined> {
  const { node, task, brief, publishTo } = place;
  const known = published.match(brief.name, node.stage, hash, paths);
  if (!known || !task.validateHit) return known;
  const valid = await task.validateHit({ config: publishTo.config, brief, outputsDir: publishTo.targetDir, once });
  return valid ? known : undefined;
}
