// Finding programs without starting a process: is a path an executable file, which folders PATH names, which of some
// programs a set of folders holds.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether `path` is a regular file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The folders of a PATH value (this process's by default), empty entries left out. */
export function pathDirs(path: string | undefined = process.env.PATH): string[] {
  return (path ?? '').split(delimiter).filter((dir) => dir !== '');
}

/** The first of `names` found in any of `dirs`, names taking precedence (mariadbd before mysqld). */
export function findExecutable(names: readonly string[], dirs: readonly string[]): string | undefined {
  for (const name of names) {
    for (const dir of dirs) if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
