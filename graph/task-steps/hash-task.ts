// The first step of a task: its hash, from its stage task's own inputs and the output digests of what it reads (its
// brief's earlier stages, and the same stage of the briefs it uses).
import type { RunOnce } from '../stage-task.js';
import type { StageName } from '../stages.js';
import { taskId } from '../task-graph.js';
import { computeTaskHash } from '../task-hash.js';
import type { HashScope } from './task-env.js';
import type { TaskPlace } from './task-place.js';

export async function hashTask(place: TaskPlace, hashes: HashScope): Promise<string> {
  const { node, task, brief, ctx } = place;
  const upstream: Partial<Record<StageName, string>> = {};
  for (const stage of task.reads) {
    const digest = hashes.outputHashes.get(taskId(brief.name, stage));
    if (digest) upstream[stage] = digest;
  }
  const uses: Record<string, string> = {};
  for (const name of Object.keys(ctx.usesDirs)) {
    const digest = hashes.outputHashes.get(taskId(name, node.stage));
    if (digest) uses[name] = digest;
  }
  const parts = await task.inputs({ ...ctx, once: hashes.once });
  return computeTaskHash({ stage: node.stage, upstream, uses, parts });
}

/** A `RunOnce` for one run: the first caller of a key computes, the others share its promise. */
export function createRunOnce(): RunOnce {
  const memo = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let pending = memo.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = compute();
      memo.set(key, pending);
    }
    return pending;
  };
}
