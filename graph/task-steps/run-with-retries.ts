// A task that must really run: it takes a slot (a heavy one for heavy stages), then runs on the runner, retried with
// exponential backoff while a retryable stage fails for reasons other than its input.
import { mkdir, rm } from 'node:fs/promises';
import { injectTraceContext } from '../../observability/tracing/index.js';
import type { TaskResult } from '../events.js';
import { failureOf } from '../task-failure.js';
import type { WorkerResponse } from '../worker-protocol.js';
import type { TaskEnv } from './task-env.js';
import type { TaskPlace } from './task-place.js';

export interface RunOutcome {
  /** What the last attempt answered. */
  response: WorkerResponse;
  /** When the last attempt started: the duration a cache entry records is that attempt's. */
  startedAt: number;
}

/**
 * Runs `place`'s task into its `outDir` (emptied before each attempt), counting attempts in `result.attempts` (also
 * when the run is interrupted). The slot taken is pushed on `releases`: it is held until the task's end is reported,
 * its outputs stored and published. `onStart` is called once the slot is held.
 */
export async function runWithRetries(
  place: TaskPlace,
  env: Pick<TaskEnv, 'run' | 'pool'>,
  result: TaskResult,
  releases: (() => void)[],
  onStart: () => void,
): Promise<RunOutcome> {
  const { node, task, ctx, outDir } = place;
  const { signal, emit } = env.run;
  const { pool } = env;
  const maxAttempts = 1 + (task.retryable ? pool.retries : 0);
  // A heavy task mostly waits on its child processes, so it takes a heavy slot instead of a worker slot (the pool has
  // threads for both).
  releases.push(await (task.heavy ? pool.heavy : pool.workers).acquire());
  onStart();
  for (let attempt = 1; ; attempt++) {
    result.attempts = attempt;
    signal?.throwIfAborted();
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const startedAt = Date.now();
    let response: WorkerResponse;
    try {
      response = await pool.runner.run(
        // The task span's context goes along, so the worker's spans are its children.
        { taskModule: pool.taskModule, stage: node.stage, ctx: { ...ctx, outDir }, trace: injectTraceContext() },
        signal,
      );
    } catch (error) {
      if (signal?.aborted) throw new Error('interrupted');
      // The worker died under the task (uncaught error, out of memory): a failure of this task only.
      const message = `worker crashed: ${failureOf(error).message}`;
      response = { ok: false, terminalOutput: '', skips: [], error: { message, code: 'E_WORKER_CRASH' } };
    }
    if (response.ok || attempt === maxAttempts || response.error.kind === 'input') return { response, startedAt };
    const delayMs = pool.retryBaseMs * 2 ** (attempt - 1);
    emit({ type: 'task:retry', id: node.id, attempt, delayMs, error: response.error.message });
    await sleep(delayMs, signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
