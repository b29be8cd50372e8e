// What a run will do before it does anything: the briefs found, the task graph over the registered stages, and the
// tasks selected by paths, names and the last stage asked for (with what they depend on), in dependency order.
import { inputError } from '../core/errors.js';
import { discoverBriefs } from './discover-briefs.js';
import type { RunGraphOptions } from './run-options.js';
import type { StageTask } from './stage-task.js';
import { STAGES, type StageName } from './stages.js';
import { buildTaskGraph, type TaskGraph, taskId, topologicalOrder } from './task-graph.js';

/** Stage tasks in pipeline order; the graph has exactly these stages. */
export function orderedStages(tasks: readonly StageTask[]): StageName[] {
  return STAGES.filter((stage) => tasks.some((task) => task.stage === stage));
}

/** Discovers briefs and builds the graph for the selected briefs and stages (plus what they depend on). */
export async function planGraph(
  options: Pick<RunGraphOptions, 'config' | 'paths' | 'cwd' | 'only' | 'stage'> & { stages: StageName[] },
): Promise<{ graph: TaskGraph; selected: string[] }> {
  const { config } = options;
  let stages = options.stages;
  if (options.stage) {
    const index = stages.indexOf(options.stage);
    if (index < 0) {
      throw inputError('E_STAGE_UNKNOWN', `stage "${options.stage}" has no task yet`, {
        hint: `Use one of: ${stages.join(', ')}.`,
      });
    }
    stages = stages.slice(0, index + 1);
  }
  const all = await discoverBriefs(config, { index: true });
  const graph = buildTaskGraph(all, stages);
  let names = all.map((brief) => brief.name);
  if (options.paths && options.paths.length > 0) {
    const narrowed = new Set(
      (await discoverBriefs(config, { paths: options.paths, cwd: options.cwd })).map((b) => b.name),
    );
    names = names.filter((name) => narrowed.has(name));
  }
  if (options.only) {
    const only = new Set(options.only);
    names = names.filter((name) => only.has(name));
  }
  const wanted = new Set<string>();
  const add = (id: string) => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const dep of graph.dependencies.get(id) ?? []) add(dep);
  };
  for (const name of names) for (const stage of stages) add(taskId(name, stage));
  const selected = topologicalOrder(graph).filter((id) => wanted.has(id));
  return { graph, selected };
}
