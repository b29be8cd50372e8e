// Where stage tasks run: a piscina worker pool (the default: CPU-bound stages overlap, a crashing task takes down a
// worker, not qlf) or inline in this thread (tests of the TypeScript sources, where workers cannot load .ts files).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Piscina } from 'piscina';
import { packagePath } from '../core/package-info.js';
import { executeTask } from './execute-task.js';
import type { StageTask } from './stage-task.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

export interface TaskExecutor {
  run(request: WorkerRequest, signal?: AbortSignal): Promise<WorkerResponse>;
  close(): Promise<void>;
}

const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');

/** The built file for `rel` (a path under graph/): beside this module when built, under dist/ when run from sources. */
export function builtModule(rel: string): string {
  const url = fromSources ? pathToFileURL(packagePath('dist', 'graph', rel)).href : new URL(rel, import.meta.url).href;
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`qlf: ${fileURLToPath(url)} is missing; run \`npm run build\` first`);
  }
  return url;
}

/** The default module of stage tasks, as a URL a worker can import. */
export function defaultTaskModule(executor: 'pool' | 'inline'): string {
  return executor === 'pool' || !fromSources
    ? builtModule('stage-tasks/index.js')
    : new URL('./stage-tasks/index.ts', import.meta.url).href;
}

export function createInlineExecutor(tasks?: readonly StageTask[]): TaskExecutor {
  return {
    run: (request) => executeTask(request, tasks),
    close: async () => undefined,
  };
}

/**
 * A piscina pool of up to `threads` workers. Piscina is loaded and the pool started by the first `run`: a run whose
 * tasks all hit the cache never pays for either.
 */
export function createPoolExecutor(threads: number): TaskExecutor {
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
