// Keeps every write inside its output folder: a relative path that would escape is an input error.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { inputError } from './errors.js';

/** Resolves `relPath` under `root`, refusing absolute paths and anything that escapes `root`. */
export function resolveInside(root: string, relPath: string): string {
  if (relPath.includes('\0')) throw inputError('E_PATH_ESCAPE', `path ${JSON.stringify(relPath)} contains a NUL byte`);
  if (isAbsolute(relPath)) {
    throw inputError(
      'E_PATH_ESCAPE',
      `path ${JSON.stringify(relPath)} is absolute; only paths inside ${root} are allowed`,
    );
  }
  const target = resolve(root, relPath);
  const rel = relative(resolve(root), target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw inputError('E_PATH_ESCAPE', `path ${JSON.stringify(relPath)} escapes the output folder ${root}`, {
      hint: 'Use a plain relative path without `..` segments.',
    });
  }
  return target;
}
