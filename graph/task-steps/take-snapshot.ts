// The snapshot of a snapshotting stage (generate): what its downstream stages read of the working copy, copied into
// the run's brief folder, and the digest their hashes take instead of the stage's output hash.
import type { ResolvedConfig } from '../../workspace/config.js';
import { briefOutDir } from '../publish.js';
import type { BriefRef, StageTask } from '../stage-task.js';
import { briefDirOf } from './run-folders.js';

/** Takes `task`'s snapshot into `<run's brief folder>/service`; `published` says whether its outputs were published. */
export function takeSnapshot(
  task: StageTask,
  input: { config: ResolvedConfig; runDir: string; brief: BriefRef; published: boolean; outputsDir: string },
): Promise<string> {
  const { config, brief } = input;
  return (task.snapshot as NonNullable<StageTask['snapshot']>)({
    config,
    brief,
    targetDir: briefOutDir(config, brief.name),
    snapshotDir: briefDirOf(input.runDir, brief.name),
    outputsDir: input.outputsDir,
    published: input.published,
  });
}
