// What the tasks of one graph run share, grouped by the steps that need it: graph/run-graph.ts builds it once,
// graph/process-task.ts hands each step its part.
import type { TaskCache } from '../../cache/task-cache.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { RunEvent } from '../events.js';
import type { PublishedState } from '../published-state.js';
import type { Semaphore } from '../semaphore.js';
import type { RunOnce, StageTask } from '../stage-task.js';
import type { StageName } from '../stages.js';
import type { TaskGraph } from '../task-graph.js';
import type { TaskRunner } from '../task-runners.js';

/** The run itself: its config, graph and scratch folder, how it reports, and how it is stopped. */
export interface RunScope {
  config: ResolvedConfig;
  graph: TaskGraph;
  byStage: Map<StageName, StageTask>;
  /** The run's scratch folder (graph/task-steps/run-folders.ts lays it out). */
  runDir: string;
  signal?: AbortSignal;
  emit: (event: RunEvent) => void;
}

/** What task hashes are made of besides a task's own inputs. */
export interface HashScope {
  /** Output digests of the tasks that ended, by task id: downstream hashes take them (early cutoff). */
  outputHashes: Map<string, string>;
  /** Hash work shared by the run's tasks (see `RunOnce`). */
  once: RunOnce;
}

/** Hits served by the warm path: their outputs are in the cache only, until a task reads them. */
export interface WarmHits {
  /** Task id → the hash whose cache entry holds its outputs. */
  fromCacheLater: Map<string, string>;
  /** Restores of those outputs into the run's brief folders, once each. */
  materialized: Map<string, Promise<void>>;
}

/** Where the tasks that must run do: the runner, its slots, and the retry policy. */
export interface PoolScope {
  runner: TaskRunner;
  /** The module of stage tasks the runner imports. */
  taskModule: string;
  workers: Semaphore;
  /** Slots of heavy tasks (which mostly wait on child processes). */
  heavy: Semaphore;
  /** Extra attempts of a retryable stage. */
  retries: number;
  /** First retry delay; doubles each attempt. */
  retryBaseMs: number;
}

export interface TaskEnv {
  run: RunScope;
  hashes: HashScope;
  /** The local cache (and the remote behind it); absent with `--no-cache`. */
  cache?: TaskCache;
  /** What earlier runs published (the warm path's records). */
  published: PublishedState;
  /** Whether outputs are published into `<outDir>/<name>/`. */
  publish: boolean;
  warmHits: WarmHits;
  pool: PoolScope;
}
