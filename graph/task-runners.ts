// Where stage tasks run: a piscina worker pool (the default: CPU-bound stages overlap, a crashing task takes down a
// worker, not qlf) or inline in this thread (tests of the TypeScript sources, where workers cannot load .ts files).
import type { Piscina } from 'piscina';
import { builtModule, fromSources } from './built-module.js';
import { executeTask } from './execute-task.js';
import type { StageTask } from './stage-task.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

/** The runners a graph run can use (`runGraph`'s `runner` option). */
export type RunnerKind = 'pool' | 'inline';

/** Runs one stage task and answers with its outcome as data; a rejection means the runner itself failed. */
export interface TaskRunner {
  run(request: WorkerRequest, signal?: AbortSignal): Promise<WorkerResponse>;
  close(): Promise<void>;
}

/** The default module of stage tasks for `runner`, as a URL it can import (a worker thread needs the built one). */
export function defaultTaskModule(runner: RunnerKind): string {
  return runner === 'pool' || !fromSources
    ? builtModule('stage-tasks/index.js')
    : new URL('./stage-tasks/index.ts', import.meta.url).href;
}

export function createInlineRunner(tasks?: readonly StageTask[]): TaskRunner {
  return {
    run: (request) => executeTask(request, tasks),
    close: async () => undefined,
  };
}

/**
 * A piscina pool of up to `threads` workers. Piscina is loaded and the pool started by the first `run`: a run whose
 * tasks all hit the cache never pays for either.
 */
export function createPoolRunner(threads: number): TaskRunner {
  const filename = builtModule('worker.js');
  let pool: Promise<Piscina> | undefined;
  const started = () => {
    pool ??= import('piscina').then(
      ({ Piscina }) => new Piscina({ filename, minThreads: 1, maxThreads: Math.max(1, threads), idleTimeout: 1_000 }),
    );
    return pool;
  };
  return {
    run: async (request, signal) => (await started()).run(request, signal ? { signal } : {}) as Promise<WorkerResponse>,
    close: async () => {
      if (pool) await (await pool).destroy();
    },
  };
}
