// The message a task runner (graph/task-runners.ts) sends to run one stage task, and what comes back: plain data, so
// it crosses threads.
import type { TraceCarrier } from '../observability/tracing/index.js';
import type { StageTaskContext, TaskSkip } from './stage-task.js';
import type { StageName } from './stages.js';
import type { TaskFailure } from './task-failure.js';

export interface WorkerRequest {
  /** File URL of a module exporting `stageTasks: StageTask[]`. */
  taskModule: string;
  stage: StageName;
  ctx: Omit<StageTaskContext, 'log' | 'skip'>;
  /** W3C trace-context headers of the task's span, when the run is traced; the worker's spans are its children. */
  trace?: TraceCarrier;
}

export type WorkerResponse =
  | { ok: true; terminalOutput: string; skips: TaskSkip[] }
  | {
      ok: false;
      terminalOutput: string;
      skips: TaskSkip[];
      error: TaskFailure;
    };
