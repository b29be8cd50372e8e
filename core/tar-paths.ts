// Which paths an archive may hold: plain relative POSIX paths, none of them both a file and a folder. Shared by the
// tar writer (which refuses to write such paths) and the scanner (which refuses to read them).
import { inputError } from './errors.js';

/**
 * Checks that `path` is a plain relative POSIX path and returns it without a leading `./`.
 * Refuses absolute paths, drive letters, backslashes, NUL, empty and `.`/`..` segments.
 */
export function checkArchivePath(path: string): string {
  const fail = (why: string) =>
    inputError('E_TAR_PATH', `archive entry ${JSON.stringify(path)} ${why}`, {
      hint: 'Archive entries must be plain relative paths inside the archive; the archive may have been tampered with.',
    });
  const trimmed = path.startsWith('./') ? path.slice(2) : path;
  if (trimmed === '') throw fail('has an empty path');
  if (trimmed.includes('\0')) throw fail('contains a NUL byte');
  if (trimmed.startsWith('/') || /^[A-Za-z]:/.test(trimmed)) throw fail('is an absolute path');
  if (trimmed.includes('\\')) throw fail('contains a backslash');
  for (const segment of trimmed.split('/')) {
    if (segment === '..') throw fail('has a ".." segment that would escape the extraction folder');
    if (segment === '' || segment === '.') throw fail('has an empty or "." segment');
  }
  return trimmed;
}

function clash(folder: string, path: string) {
  return inputError(
    'E_TAR_PATH',
    `archive entry ${JSON.stringify(folder)} is a file but ${JSON.stringify(path)} puts a file inside it`,
    { hint: 'A path cannot be both a file and a folder; rename one of the two.' },
  );
}

/** Refuses, path by path as an archive streams by, a path that is both a file and a folder (`a` and `a/b`). */
export class FolderClashGuard {
  private readonly files = new Set<string>();
  /** Folder → the first path seen inside it. */
  private readonly folders = new Map<string, string>();

  add(path: string): void {
    const inside = this.folders.get(path);
    if (inside !== undefined) throw clash(path, inside);
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      const folder = path.slice(0, slash);
      if (this.files.has(folder)) throw clash(folder, path);
      if (!this.folders.has(folder)) this.folders.set(folder, path);
    }
    this.files.add(path);
  }
}

/** Refuses a path that is both a file and a folder of another entry (`a` and `a/b`): it cannot be extracted. */
export function checkNoFileFolderClash(paths: readonly string[]): void {
  const guard = new FolderClashGuard();
  for (const path of [...paths].sort()) guard.add(path);
}
