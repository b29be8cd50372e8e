// One task of a graph run, as a list of steps (each in graph/task-steps/): hash it; serve it from what is published
// (the warm path) or from the cache, or run it with retries and store it; then publish its outputs and record what was
// published (graph/published-state.ts).
import { mkdir, rm } from 'node:fs/promises';
import type { VerifiedEntry } from '../cache/local-cache.js';
import type { TaskResult } from './events.js';
import { publishedPaths } from './publish.js';
import type { StageTask } from './stage-task.js';
import { failureOf } from './task-failure.js';
import type { TaskNode } from './task-graph.js';
import { hashTask } from './task-steps/hash-task.js';
import { materializeInputs } from './task-steps/materialize-inputs.js';
import { publishFailure, publishTask } from './task-steps/publish-task.js';
import { restoreHit } from './task-steps/restore-hit.js';
import { moveInto } from './task-steps/run-folders.js';
import { runWithRetries } from './task-steps/run-with-retries.js';
import { storeResult } from './task-steps/store-result.js';
import type { TaskEnv } from './task-steps/task-env.js';
import { placeTask } from './task-steps/task-place.js';
import { failedResult, outputOf, pendingResult } from './task-steps/task-result.js';
import { tryWarmPath } from './task-steps/warm-path.js';

/** Runs one task. Slots it takes are pushed on `releases`; the caller frees them after reporting the task's end. */
export async function processTask(
  node: TaskNode,
  task: StageTask,
  env: TaskEnv,
  releases: (() => void)[],
): Promise<TaskResult> {
  // Reset when the task really starts, so time spent waiting for a slot is not counted as its duration.
  let started = Date.now();
  const result = pendingResult(node);
  let scratch: string | undefined;
  try {
    const place = placeTask(node, task, env.run);
    const hash = await hashTask(place, env.hashes);
    result.hash = hash;
    const start = (reset: boolean) => {
      if (reset) started = Date.now();
      env.run.emit({ type: 'task:start', id: node.id, brief: node.brief, stage: node.stage, hash });
    };
    const cache = task.cacheable ? env.cache : undefined;
    const paths = cache && env.publish ? publishedPaths(task, place.publishTo) : undefined;

    const known = cache && paths ? await tryWarmPath(place, hash, paths, env.published, env.hashes.once) : undefined;
    if (cache && known) {
      start(false);
      cache.touch(hash);
      env.warmHits.fromCacheLater.set(node.id, hash);
      return {
        ...result,
        status: 'cached',
        cache: 'local',
        savedMs: known.durationMs,
        ...outputOf(known.terminalOutput),
        outputHash: known.outputHash,
        durationMs: Date.now() - started,
      };
    }

    scratch = place.outDir;
    await mkdir(place.briefDir, { recursive: true });
    await rm(place.outDir, { recursive: true, force: true });
    await mkdir(place.outDir, { recursive: true });
    let entry: VerifiedEntry | undefined;
    const hit = cache ? await restoreHit(place, hash, cache, env.hashes.once) : undefined;
    if (hit) {
      start(false);
      entry = hit.entry;
      result.status = 'cached';
      result.cache = hit.source;
      result.savedMs = hit.entry.manifest.durationMs;
      Object.assign(result, outputOf(hit.entry.manifest.terminalOutput));
    } else {
      await materializeInputs(place, env);
      const { response, startedAt } = await runWithRetries(place, env, result, releases, () => start(true));
      Object.assign(result, outputOf(response.terminalOutput, response.skips));
      if (!response.ok) {
        await publishFailure(place, env);
        return failedResult(result, response.error, Date.now() - started);
      }
      entry = await storeResult(place, hash, cache, { ...response, startedAt });
      result.status = 'success';
    }
    await publishTask(place, hash, result, { entry, paths }, env);
    await moveInto(place.outDir, place.briefDir);
    result.durationMs = Date.now() - started;
    return result;
  } catch (error) {
    const failure = failureOf(env.run.signal?.aborted ? new Error('interrupted') : error);
    return failedResult(result, failure, Date.now() - started);
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  }
}
