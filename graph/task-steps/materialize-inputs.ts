// Before a task runs: the outputs it reads, put into the run's brief folders. Tasks that really ran or were restored
// copied theirs already; warm-path hits left theirs in the cache (or, for a snapshotting stage, in the working copy),
// and are taken from there now, once each.
import type { TaskCache } from '../../cache/task-cache.js';
import { workError } from '../../core/errors.js';
import type { BriefRef } from '../stage-task.js';
import { STAGES, type StageName } from '../stages.js';
import { taskId } from '../task-graph.js';
import { briefDirOf } from './run-folders.js';
import { takeSnapshot } from './take-snapshot.js';
import type { TaskEnv } from './task-env.js';
import type { TaskPlace } from './task-place.js';

type MaterializeEnv = Pick<TaskEnv, 'run' | 'hashes' | 'warmHits'>;

/**
 * Puts what `place`'s task may read in place: the earlier stages of its brief, and the stages up to its own of the
 * briefs it uses.
 */
export async function materializeInputs(place: TaskPlace, env: MaterializeEnv & Pick<TaskEnv, 'cache'>): Promise<void> {
  const { node, brief } = place;
  const cache = env.cache;
  if (!cache) return;
  const own = STAGES.indexOf(node.stage);
  const wanted: [string, StageName][] = [
    ...STAGES.slice(0, own).map((stage): [string, StageName] => [brief.name, stage]),
    ...brief.uses.flatMap((used) => STAGES.slice(0, own + 1).map((stage): [string, StageName] => [used, stage])),
  ];
  await Promise.all(wanted.map(([owner, stage]) => materialize(owner, stage, cache, env)));
}

function materialize(
  owner: string,
  stage: StageName,
  cache: TaskCache,
  env: MaterializeEnv,
): Promise<void> | undefined {
  const { run, warmHits } = env;
  const id = taskId(owner, stage);
  const hash = warmHits.fromCacheLater.get(id);
  if (hash === undefined) return undefined;
  let restoring = warmHits.materialized.get(id);
  if (restoring) return restoring;
  const snapshotting = run.byStage.get(stage);
  if (snapshotting?.snapshot) {
    // Downstream reads a snapshot of the working copy, whose digest the warm path vouched for: take it now.
    const brief = run.graph.briefs.get(owner) as BriefRef;
    const outputsDir = briefDirOf(run.runDir, owner);
    const input = { config: run.config, runDir: run.runDir, brief, published: true, outputsDir };
    restoring = takeSnapshot(snapshotting, input).then((digest) => {
      if (digest === env.hashes.outputHashes.get(id)) return;
      throw workError('E_SOURCE_CHANGED', `the working copy of ${owner} changed during the run`, {
        hint: 'Run again: files were saved while qlf was reading them.',
      });
    });
  } else {
    restoring = cache.restore(hash, briefDirOf(run.runDir, owner)).then((restored) => {
      if (restored) return;
      throw workError('E_CACHE_VANISHED', `the cache entry of ${id} (${hash.slice(0, 12)}) went away during the run`, {
        hint: 'Run again (was `qlf cache clean` or `qlf cache prune` running at the same time?).',
      });
    });
  }
  warmHits.materialized.set(id, restoring);
  return restoring;
}
