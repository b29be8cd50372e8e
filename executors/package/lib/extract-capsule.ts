// Unpacks a capsule into a folder: read with the safe reader (no links, no escaping paths, size caps), written into a
// temporary sibling and swapped in by rename, so a failure leaves nothing half-written.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replaceDirAtomic } from '../../../core/atomic-fs.js';
import { inputError, isQlfError } from '../../../core/errors.js';
import { resolveInside } from '../../../core/safe-path.js';
import type { TarLimits } from '../../../core/tar.js';
import { checkSeal } from './sealed-gzip.js';
import { CAPSULE_LIMITS, readCapsuleEntries } from './verify-capsule.js';

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** Extracts `capsule` into `dir`, which must not exist or be empty. Returns the number of files written. */
export async function extractCapsule(
  capsule: Uint8Array,
  dir: string,
  limits: TarLimits = CAPSULE_LIMITS,
): Promise<number> {
  if (!(await isEmptyOrMissing(dir))) {
    throw inputError('E_EXTRACT_TARGET', `${dir} is not empty; refusing to extract over existing files`, {
      hint: 'Extract into a new or empty folder.',
    });
  }
  let entries: Awaited<ReturnType<typeof readCapsuleEntries>>;
  try {
    checkSeal(capsule);
    entries = readCapsuleEntries(capsule, limits);
  } catch (error) {
    if (isQlfError(error)) throw error;
    throw inputError('E_CAPSULE_ARCHIVE', (error as Error).message);
  }
  await replaceDirAtomic(dir, async (temp) => {
    for (const entry of entries) {
      const target = resolveInside(temp, entry.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, entry.content, { mode: entry.mode & 0o111 ? 0o755 : 0o644, flag: 'wx' });
    }
  });
  return entries.length;
}
