// Copies a task's outputs into the user's output folder `<outDir>/<name>/`, atomically per output path.
import { cp, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDirAtomic, writeFileAtomic } from '../core/atomic-fs.js';
import { resolveInside } from '../core/safe-path.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { serviceDirOf } from '../workspace/working-copy.js';
import type { BriefRef, PublishInput, StageTask } from './stage-task.js';
import type { StageName } from './stages.js';

/** Where a brief's outputs are published. */
export function briefOutDir(config: ResolvedConfig, brief: string): string {
  return resolveInside(config.outDir, brief);
}

/**
 * What a stage's own `publish` reads besides its outputs. Publishing again is a no-op only while this is unchanged too:
 * generate merges into the working copy (against the lock in it) and records it in `source.json`. A stage with its
 * own `publish` that is not listed here is always published again.
 */
const PUBLISH_STATE: Partial<Record<StageName, (config: ResolvedConfig, brief: BriefRef) => string[]>> = {
  // Not `.qlf/base/<name>`: that is a cache the merge checks against the lock before use, and rebuilds when needed.
  generate: (config, brief) => [
    serviceDirOf(config, brief.file),
    resolveInside(briefOutDir(config, brief.name), 'source.json'),
  ],
};

/**
 * Every path whose content decides what publishing `task`'s outputs into `targetDir` does: the published outputs, plus
 * a custom publisher's state. While none of them changed since the same outputs were last published, publishing them
 * again would change nothing. Undefined when that cannot be known (an unlisted custom publisher).
 */
export function publishedPaths(
  task: StageTask,
  input: { config: ResolvedConfig; brief: BriefRef; targetDir: string },
): string[] | undefined {
  const outputs = task.outputs.map((output) => resolveInside(input.targetDir, output));
  if (!task.publish) return outputs;
  const state = PUBLISH_STATE[task.stage];
  return state ? [...outputs, ...state(input.config, input.brief)] : undefined;
}

/** Publishes `task`'s outputs (its own `publish`, else the default); returns the lines publishing had to say. */
export async function publishOutputs(task: StageTask, input: PublishInput): Promise<string[]> {
  if (task.publish) return (await task.publish(input)) ?? [];
  await publishDeclaredOutputs(task, input);
  return [];
}

/** Default publishing: each declared output that exists in `sourceDir` replaces its published counterpart. */
export async function publishDeclaredOutputs(task: StageTask, input: PublishInput): Promise<void> {
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
