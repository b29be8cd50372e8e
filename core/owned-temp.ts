// Temp files and folders named for the process that made them (core/owner-stamp.ts), so that what a killed process
// left behind can be told from what a live one is still using, and removed.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Owner, ownerAlive, ownerStamp, STAMP_PATTERN } from './owner-stamp.js';

/** `qlf-<purpose>-p<pid>t<start>-XXXXXX` in the OS temp folder. */
const OWNED_TEMP = new RegExp(`^qlf-[a-z0-9-]+?-${STAMP_PATTERN}-`);
/** `.p<pid>t<start>-<hex>.qlf-tmp`: a sibling being written, renamed over its target when complete. */
const STAMPED_SIBLING = new RegExp(`^\\.${STAMP_PATTERN}-[0-9a-f]+\\.qlf-tmp$`);

/** A new folder `qlf-<purpose>-<stamp>-XXXXXX` in the OS temp folder; `purpose` is lowercase letters, digits, dashes. */
export function ownedTempDir(purpose: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `qlf-${purpose}-${ownerStamp()}-`));
}

/** A hidden name beside `target` for writing it before renaming it over: `.<stamp>-<hex>.qlf-tmp`. */
export function tempSiblingOf(target: string): string {
  return join(dirname(target), `.${ownerStamp()}-${randomBytes(6).toString('hex')}.qlf-tmp`);
}

/** The owner of a temp sibling, `null` for a sibling without a stamp (made by an older qlf), undefined for no sibling. */
export function siblingOwner(name: string): Owner | null | undefined {
  const match = STAMPED_SIBLING.exec(name);
  if (match) return { pid: Number(match[1]), start: match[2] as string };
  return name.endsWith('.qlf-tmp') ? null : undefined;
}

/**
 * Entries of `dir` whose owner (read from the name by `ownerOf`) is dead, each removed with everything in it. Never
 * throws: a folder that cannot be read or an entry that cannot be removed is left for a later sweep.
 */
export async function removeDeadOwned(dir: string, ownerOf: (name: string) => Owner | undefined): Promise<string[]> {
  return removeEach(await findDeadOwned(dir, ownerOf));
}

/** Removes each path with everything in it; returns those removed (the others wait for a later sweep). */
export async function removeEach(paths: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const path of paths) {
    const gone = await rm(path, { recursive: true, force: true }).then(
      () => true,
      () => false,
    );
    if (gone) removed.push(path);
  }
  return removed;
}

/** Like removeDeadOwned, without removing anything. */
export async function findDeadOwned(dir: string, ownerOf: (name: string) => Owner | undefined): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((name) => {
      const owner = ownerOf(name);
      return owner !== undefined && !ownerAlive(owner);
    })
    .map((name) => join(dir, name));
}

/** Removes the folders ownedTempDir made in the OS temp folder for processes that are gone. */
export function removeDeadTempDirs(): Promise<string[]> {
  return removeDeadOwned(tmpdir(), (name) => {
    const match = OWNED_TEMP.exec(name);
    return match ? { pid: Number(match[1]), start: match[2] as string } : undefined;
  });
}
