// One task's place in a run: its brief, the folders it reads and writes, what its stage task is given, and where its
// outputs are published. Every step of graph/process-task.ts works from it.
import { join } from 'node:path';
import type { ResolvedConfig } from '../../workspace/config.js';
import { briefOutDir } from '../publish.js';
import type { BriefRef, StageTask, StageTaskContext } from '../stage-task.js';
import type { TaskNode } from '../task-graph.js';
import { briefDirOf, taskDirOf } from './run-folders.js';
import type { RunScope } from './task-env.js';

export interface TaskPlace {
  node: TaskNode;
  task: StageTask;
  brief: BriefRef;
  /** The run's copy of the brief's outputs (its upstream stages', and this one's once it ends). */
  briefDir: string;
  /** Where this task's outputs land before they join `briefDir`. */
  outDir: string;
  /** What the stage task is given, but for `outDir`, `log` and `skip`. */
  ctx: Omit<StageTaskContext, 'outDir' | 'log' | 'skip'>;
  /** Where the outputs are published: `<outDir>/<name>/`. */
  publishTo: { config: ResolvedConfig; brief: BriefRef; targetDir: string };
}

export function placeTask(node: TaskNode, task: StageTask, run: RunScope): TaskPlace {
  const { config, graph, runDir } = run;
  const brief = graph.briefs.get(node.brief) as BriefRef;
  const briefDir = briefDirOf(runDir, brief.name);
  const usesDirs = Object.fromEntries(
    brief.uses.filter((name) => graph.briefs.has(name)).map((name) => [name, briefDirOf(runDir, name)]),
  );
  return {
    node,
    task,
    brief,
    briefDir,
    outDir: taskDirOf(runDir, brief.name, node.stage),
    ctx: { config, brief, inputDir: briefDir, usesDirs, serviceDir: join(briefDir, 'service') },
    publishTo: { config, brief, targetDir: briefOutDir(config, brief.name) },
  };
}
