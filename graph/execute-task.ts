// Runs one stage task from a module of stage tasks and reports the outcome as data (shared by the worker and the
// inline runner, so both behave the same).
import { inSpan } from '../observability/tracing/index.js';
import type { StageTask, TaskSkip } from './stage-task.js';
import { failureOf } from './task-failure.js';
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
    return { ok: false, terminalOutput: lines.join('\n'), skips, error: failureOf(error) };
  }
}
