// What a graph run is asked to do (`runGraph`'s options) and what it answers, in a module of their own: the run, its
// tasks and its trace spans all read them, and none of those should import another only for a type.
import type { CacheWriteFile } from '../cache/local-cache.js';
import type { RemoteCache } from '../cache/remote-cache.js';
import type { ResolvedConfig } from '../workspace/config.js';
import type { RunEvent, RunTotals, TaskResult } from './events.js';
import type { StageTask } from './stage-task.js';
import type { StageName } from './stages.js';
import type { TaskGraph } from './task-graph.js';
import type { RunnerKind } from './task-runners.js';

export interface RunGraphOptions {
  config: ResolvedConfig;
  /** Files or folders narrowing which briefs run (their `uses` dependencies run too). @default all briefs */
  paths?: string[];
  /** Base for relative `paths`. @default process.cwd() */
  cwd?: string;
  /** Brief names to run (with their dependencies); combined with `paths` by intersection. */
  only?: string[];
  /** Run stages up to and including this one. @default the last registered stage */
  stage?: StageName;
  /** Use the local cache. @default true */
  cache?: boolean;
  /**
   * The remote cache shared between machines; `false` for none. Used only with the local cache.
   * @default from `cache.remote` in the config and the `QLF_REMOTE_CACHE_*` variables
   */
  remoteCache?: RemoteCache | false;
  /** Keep running other branches after a failure. @default true */
  continue?: boolean;
  /** Tasks at once. @default config.run.concurrency ?? max(1, cores - 1) */
  concurrency?: number;
  /** Heavy tasks at once. @default config.run.heavyConcurrency */
  heavyConcurrency?: number;
  /** Where tasks run: `pool`, piscina worker threads (needs the built dist/); `inline`, this thread. @default 'pool' */
  runner?: RunnerKind;
  /** Module (file URL or path) exporting `stageTasks`; the worker imports it. @default graph/stage-tasks/index.js */
  taskModule?: string;
  /** Stage tasks for the inline runner (skips importing `taskModule`). */
  stageTasks?: StageTask[];
  /** Extra attempts for retryable stages. @default 2 */
  retries?: number;
  /** First retry delay; doubles each attempt. @default 250 */
  retryBaseMs?: number;
  /** Publish outputs into `<outDir>/<name>/`. @default true */
  publish?: boolean;
  /** Take the workspace run lock. @default true */
  lock?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Injected cache file writer (tests simulate a full disk with it). */
  cacheWriteFile?: CacheWriteFile;
}

export interface RunResult {
  tasks: TaskResult[];
  totals: RunTotals;
  interrupted: boolean;
  graph: TaskGraph;
}
