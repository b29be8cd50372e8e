// Copies a task's outputs into the user's output folder `<outDir>/<name>/`, atomically per output path.
import { cp, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDirAtomic, writeFileAtomic } from '../core/atomic-fs.js';
import type { ResolvedConfig } from '../core/config.js';
import { resolveInside } from '../core/safe-path.js';
import type { BriefRef, StageTask } from './stage-task.js';

/** Where a brief's outputs are published. */
export function briefOutDir(config: ResolvedConfig, brief: string): string {
  return resolveInside(config.outDir, brief);
}

/** Default publishing: each declared output that exists in `sourceDir` replaces its published counterpart. */
export async function publishOutputs(
  task: StageTask,
  input: { config: ResolvedConfig; brief: BriefRef; sourceDir: string; targetDir: string },
): Promise<void> {
  if (task.publish) {
    await task.publish(input);
    return;
  }
  for (const output of task.outputs) {
    const source = join(input.sourceDir, output);
    const info = await stat(source).catch(() => undefined);
    if (!info) continue;
    const target = resolveInside(input.targetDir, output);
    if (info.isDirectory()) {
      await replaceDirAtomic(target, (temp) => cp(source, temp, { recursive: true }));
    } else {
      await writeFileAtomic(target, await readFile(source));
    }
  }
}
