// The message a task executor sends to run one stage task, and what comes back: plain data, so it crosses threads.
import type { QlfIssue } from '../core/errors.js';
import type { TraceCarrier } from '../observability/tracing/index.js';
import type { StageTaskContext, TaskSkip } from './stage-task.js';
import type { StageName } from './stages.js';

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
      error: { message: string; code?: string; hint?: string; kind?: string; issues?: QlfIssue[] };
    };
