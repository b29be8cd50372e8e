// After a task ran: its outputs kept in the cache (and shared through the remote one), unless the result depends on
// something the task hash does not cover.
import type { VerifiedEntry } from '../../cache/local-cache.js';
import type { TaskCache } from '../../cache/task-cache.js';
import { qlfVersion } from '../../core/package-info.js';
import type { TaskSkip } from '../stage-task.js';
import type { TaskPlace } from './task-place.js';

/** The stored entry, or undefined when the result is not kept (no cache, or an unkeyed skip). */
export async function storeResult(
  place: TaskPlace,
  hash: string,
  cache: TaskCache | undefined,
  ran: { terminalOutput: string; skips: TaskSkip[]; startedAt: number },
): Promise<VerifiedEntry | undefined> {
  // A result that skipped something another run could do (no engine answered, a tool was missing) is not kept: the
  // cache would serve it to runs and machines that can do better.
  if (!cache || ran.skips.some((skip) => !skip.keyed)) return undefined;
  return cache.store(place.outDir, {
    taskId: place.node.id,
    hash,
    terminalOutput: ran.terminalOutput,
    durationMs: Date.now() - ran.startedAt,
    qlfVersion: qlfVersion(),
  });
}
