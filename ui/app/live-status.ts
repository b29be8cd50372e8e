// Task states with the live run laid over the recorded ones: while this server's run goes, and until the workspace's
// records catch up with it, a task's state comes from the run; then from the records, which also see later runs made
// elsewhere (a terminal `qlf run` after this one).
import type { RunSnapshot, StageStatus } from '../shared/api.js';

export function liveStatus(
  run: RunSnapshot | null,
  id: string,
  recorded: StageStatus | undefined,
): StageStatus | undefined {
  const task = run?.tasks.find((t) => t.id === id);
  if (!run || !task) return recorded;
  const recordedSince = recorded?.at !== undefined && Date.parse(recorded.at) >= Date.parse(run.startedAt);
  if (run.endedAt !== undefined && (recordedSince || task.status === 'skipped')) return recorded ?? undefined;
  return {
    status: task.status,
    ...(task.cache !== undefined ? { cache: task.cache } : {}),
    ...(task.durationMs !== undefined ? { durationMs: task.durationMs } : {}),
    ...(task.errorCode ? { errorCode: task.errorCode } : {}),
  };
}
