// Replaces a small file by writing a sibling and renaming it over, without fsync: for records that only speed things up
// (a torn or lost one reads as none after a crash), where an fsync per write would slow every run down. A sibling a
// killed writer left carries its pid, and the next run removes it (core/dead-run-sweep.ts).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempSiblingOf } from '../core/owned-temp.js';

/** Readers see the old text or the new one, never a mix; a crash may lose the new one. */
export async function writeFileReplacing(target: string, text: string): Promise<void> {
  const temp = tempSiblingOf(target);
  await mkdir(dirname(target), { recursive: true });
  try {
    await writeFile(temp, text);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
