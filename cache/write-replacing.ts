// Replaces a small file by writing a sibling and renaming it over, without fsync: for records that only speed things up
// (a torn or lost one reads as none after a crash), where an fsync per write would slow every run down.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Readers see the old text or the new one, never a mix; a crash may lose the new one. */
export async function writeFileReplacing(target: string, text: string): Promise<void> {
  const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.qlf-tmp`);
  await mkdir(dirname(target), { recursive: true });
  try {
    await writeFile(temp, text);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
