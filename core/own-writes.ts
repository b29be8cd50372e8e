// What this process itself wrote into a user's folder (a working copy), with the stat stamp each file had right after:
// `qlf watch` tells its own merge's writes from the user's saves with it. A file saved again since has another stamp
// (mtime, ctime, size or inode), so only the write qlf made is recognised, never a later edit.
import { lstatSync } from 'node:fs';

const written = new Map<string, string>();

function stamp(path: string): string {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  return stats ? `${stats.mode} ${stats.size} ${stats.mtimeMs} ${stats.ctimeMs} ${stats.ino}` : 'absent';
}

/** Notes that this process just wrote (or removed) `path`. */
export function noteOwnWrite(path: string): void {
  written.set(path, stamp(path));
}

/** Whether `path` is exactly as this process last wrote (or removed) it. */
export function isOwnWrite(path: string): boolean {
  const known = written.get(path);
  return known !== undefined && known === stamp(path);
}
