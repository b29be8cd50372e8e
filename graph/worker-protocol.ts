// The message a task executor sends to run one stage task, and what comes back: plain data, so it crosses threads.
import type { QlfIssue } from '../core/errors.js';
import type { StageTaskContext, TaskSkip } from './stage-task.js';
import type { StageName } from './stages.js';

export interface WorkerRequest {
  /** File URL of a module exporting `stageTasks: StageTask[]`. */
  taskModule: string;
  stage: StageName;
  ctx: Omit<StageTaskContext, 'log' | 'skip'>;
}

export type WorkerResponse =
  | { ok: true; terminalOutput: string; skips: TaskSkip[] }
  | {
      ok: false;
      terminalOutput: string;
      skips: TaskSkip[];
      error: { message: string; code?: string; hint?: string; kind?: string; issues?: QlfIssue[] };
    };
