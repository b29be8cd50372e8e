// The run's scratch folder: `briefs/<name>/` holds a brief's outputs as its later stages and the briefs using it read
// them; `tasks/<brief>.<stage>/` is where one task's outputs land (restored or written) before they join its brief's.
import { cp, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageName } from '../stages.js';

/** The run's copy of a brief's outputs: what its later stages, and the briefs using it, read as their input. */
export function briefDirOf(runDir: string, brief: string): string {
  return join(runDir, 'briefs', brief);
}

/** The folder one task's outputs land in. */
export function taskDirOf(runDir: string, brief: string, stage: StageName): string {
  return join(runDir, 'tasks', `${brief}.${stage}`);
}

/** Moves what is in `from` into `to`: a rename per top-level entry, copying over only where `to` already has one. */
export async function moveInto(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    await rename(join(from, name), join(to, name)).catch(() =>
      cp(join(from, name), join(to, name), { recursive: true, force: true }),
    );
  }
}
