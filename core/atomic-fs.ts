// Atomic writes: write beside the target, fsync, rename. A crash leaves the old file or the new one, never half of one.
// Temp siblings carry their writer's pid, so a run after a crash removes those a dead writer left (core/dead-run-sweep.ts).
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempSiblingOf as tempSibling } from './owned-temp.js';

export async function writeFileAtomic(target: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempSibling(target);
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Replaces directory `target` with the contents produced by `fill(tempDir)`: the new tree is built in a sibling
 * folder and swapped in by rename, so readers see the old tree or the new one. On failure nothing changes.
 */
export async function replaceDirAtomic(target: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempSibling(target);
  const old = tempSibling(target);
  await mkdir(temp, { recursive: true });
  try {
    await fill(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  let moved = false;
  try {
    await rename(target, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }
  try {
    await rename(temp, target);
  } catch (error) {
    if (moved) await rename(old, target);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
