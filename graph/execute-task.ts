// Runs one stage task from a module of stage tasks and reports the outcome as data (shared by the worker and the
// inline executor, so both behave the same).
import type { QlfIssue } from '../core/errors.js';
import { inSpan } from '../observability/tracing/index.js';
import type { StageTask, TaskSkip } from './stage-task.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

const loaded = new Map<string, Promise<StageTask[]>>();

export async function loadStageTasks(taskModule: string): Promise<StageTask[]> {
  let tasks = loaded.get(taskModule);
  if (!tasks) {
    tasks = import(taskModule).then((mod: { stageTasks?: StageTask[] }) => {
      if (!Array.isArray(mod.stageTasks)) throw new Error(`${taskModule} does not export \`stageTasks\``);
      return mod.stageTasks;
    });
    loaded.set(taskModule, tasks);
  }
  return tasks;
}

export async function executeTask(request: WorkerRequest, tasks?: readonly StageTask[]): Promise<WorkerResponse> {
  const lines: string[] = [];
  const skips: TaskSkip[] = [];
  try {
    const list = tasks ?? (await loadStageTasks(request.taskModule));
    const task = list.find((t) => t.stage === request.stage);
    if (!task) throw new Error(`no stage task for "${request.stage}" in ${request.taskModule}`);
    const attributes = { 'qlf.brief': request.ctx.brief.name, 'qlf.stage': request.stage };
    await inSpan('qlf.stage.run', attributes, () =>
      task.run({
        ...request.ctx,
        log: (line) => lines.push(line),
        skip: (check, reason, options) => {
          skips.push({ check, reason, ...(options?.keyed ? { keyed: true } : {}) });
          lines.push(`skipped: ${check} (${reason})`);
        },
      }),
    );
    return { ok: true, terminalOutput: lines.join('\n'), skips };
  } catch (error) {
    const e = error as Error & { code?: unknown; hint?: unknown; kind?: unknown; issues?: unknown };
    return {
      ok: false,
      terminalOutput: lines.join('\n'),
      skips,
      error: {
        message: e?.message ?? String(error),
        code: typeof e?.code === 'string' ? e.code : undefined,
        hint: typeof e?.hint === 'string' ? e.hint : undefined,
        kind: typeof e?.kind === 'string' ? e.kind : undefined,
        issues: Array.isArray(e?.issues) && e.issues.length > 0 ? (e.issues as QlfIssue[]) : undefined,
      },
    };
  }
}
