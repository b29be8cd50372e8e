// The last check before a file from an answer is written: its path must stay inside the target folder on disk, not
// just as text. A symlink already in the tree (`app/domain -> /etc`) is the only way text could reach outside.
import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathProblem } from './answer-path.js';
import { SocRejection } from './rejection.js';

function refuse(relPath: string, message: string): SocRejection {
  return new SocRejection({ code: 'E_SOC_PATH', path: relPath, message, excerpt: relPath });
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Resolves `relPath` (the grammar's path syntax) under the real path of `root` and returns the absolute path to write.
 * Refuses when an existing component of it is a symlink, when an existing parent is not a folder, when the file itself
 * is a folder, or when what exists resolves outside `root`. Call it right before the write, and create the file with
 * `O_NOFOLLOW` so a symlink made in between is not followed either.
 */
export async function assertWritableInside(root: string, relPath: string): Promise<string> {
  const bad = pathProblem(relPath);
  if (bad) throw refuse(relPath, bad);
  const realRoot = await realpath(root);
  const segments = relPath.split('/');
  let current = realRoot;
  for (const [i, segment] of segments.entries()) {
    current = join(current, segment);
    const last = i === segments.length - 1;
    let stats: Awaited<ReturnType<typeof lstat>>;
    try {
      stats = await lstat(current);
    } catch (error) {
      if (isMissing(error)) break;
      throw error;
    }
    const shown = segments.slice(0, i + 1).join('/');
    if (stats.isSymbolicLink()) throw refuse(relPath, `${shown} is a symbolic link; qlf does not write through links`);
    if (!last && !stats.isDirectory()) throw refuse(relPath, `${shown} exists and is not a folder`);
    if (last && stats.isDirectory()) throw refuse(relPath, `${shown} is a folder, not a file`);
    const resolved = relative(realRoot, await realpath(current));
    if (resolved === '..' || resolved.startsWith(`..${sep}`) || isAbsolute(resolved)) {
      throw refuse(relPath, `${shown} resolves outside ${root}`);
    }
  }
  return join(realRoot, ...segments);
}
