// The typed events a graph run emits; the CLI turns them into progress lines, `qlf watch` and Nx into their own views.
import type { QlfIssue } from '../core/errors.js';
import type { TaskSkip } from './stage-task.js';
import type { StageName } from './stages.js';
import type { TaskNode } from './task-graph.js';

export type TaskStatus = 'success' | 'cached' | 'failed' | 'skipped';

export interface TaskResult {
  id: string;
  brief: string;
  stage: StageName;
  /** Task hash; null when the task never got that far (skipped). */
  hash: string | null;
  status: TaskStatus;
  /** Where a cached result came from. */
  cache: 'local' | 'remote' | null;
  /** Wall time of this run of the task (restore time for a cache hit). */
  durationMs: number;
  /** For a cache hit: how long the task took when it really ran. */
  savedMs: number;
  /** Digest of the task's output files (what downstream hashes depend on). */
  outputHash?: string;
  /** What the task printed (replayed from the cache on a hit). */
  terminalOutput: string;
  /** Failure or skip reason. */
  error?: string;
  /** Error code for a failure, when the error had one. */
  errorCode?: string;
  /** How to fix the failure, when the error said. */
  hint?: string;
  /** Located problems behind a failure (e.g. every schema issue of a brief). */
  issues?: QlfIssue[];
  /** Checks or steps the task did not do, and why (a pytest that could not run, an image with no engine). */
  skips?: TaskSkip[];
  /** What a person should review although the task succeeded (a migration that drops a column). */
  warnings?: string[];
  attempts: number;
}

export interface RunTotals {
  tasks: number;
  success: number;
  cached: number;
  failed: number;
  skipped: number;
  durationMs: number;
  /** Sum of the original durations of cache hits. */
  savedMs: number;
  /** Cache hits served from the remote cache. */
  remoteCached: number;
  /** Checks or steps skipped inside tasks that finished (see `TaskResult.skips`). */
  skippedChecks: number;
}

export type RunEvent =
  | { type: 'run:start'; tasks: TaskNode[]; concurrency: number }
  | { type: 'run:wait-lock'; holder: string }
  | { type: 'task:start'; id: string; brief: string; stage: StageName; hash: string }
  | { type: 'task:retry'; id: string; attempt: number; delayMs: number; error: string }
  | { type: 'task:end'; result: TaskResult }
  /** Something went wrong that fails no task (e.g. the remote cache is unreachable); said once, not per task. */
  | { type: 'run:warning'; message: string; hint?: string }
  | { type: 'run:end'; totals: RunTotals; interrupted: boolean };

/** Hook names in `"<scope>:<event>"` form, one per event type. */
export type RunEventName = RunEvent['type'];

export function totalsOf(results: readonly TaskResult[], durationMs: number): RunTotals {
  const count = (status: TaskResult['status']) => results.filter((r) => r.status === status).length;
  return {
    tasks: results.length,
    success: count('success'),
    cached: count('cached'),
    failed: count('failed'),
    skipped: count('skipped'),
    durationMs,
    savedMs: results.reduce((sum, r) => sum + (r.status === 'cached' ? r.savedMs : 0), 0),
    remoteCached: results.filter((r) => r.status === 'cached' && r.cache === 'remote').length,
    skippedChecks: results.reduce((sum, r) => sum + (r.skips?.length ?? 0), 0),
  };
}
