// Reads a folder (the generated service, the build context) into archive entries, leaving out caches and other
// machine-local litter so that the capsule depends only on the sources.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { inputError } from '../../../core/errors.js';
import { neverShipped } from '../../../core/never-shipped.js';
import type { TarEntry } from '../../../core/tar.js';

/** Every regular file under `root`, with POSIX paths relative to it, sorted. Symlinks are refused: they may escape. */
export async function collectFiles(root: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  async function walk(dir: string): Promise<void> {
    const children = await readdir(dir, { withFileTypes: true });
    for (const child of children) {
      const full = join(dir, child.name);
      if (neverShipped(child.name, child.isDirectory())) continue;
      const path = relative(root, full).split(sep).join('/');
      if (child.isSymbolicLink()) {
        throw inputError('E_PACKAGE_SYMLINK', `${full} is a symbolic link; capsules hold regular files only`, {
          hint: 'Replace the link with the file it points to, or remove it.',
        });
      }
      if (child.isDirectory()) await walk(full);
      else if (child.isFile()) {
        const [content, stat] = await Promise.all([readFile(full), lstat(full)]);
        entries.push({ path, content: new Uint8Array(content), mode: stat.mode & 0o777 });
      }
    }
  }
  try {
    await walk(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw inputError('E_PACKAGE_INPUT', `folder ${root} does not exist`, {
        hint: 'Run the earlier stages first (`qlf generate`, `qlf build`) so that there is something to package.',
      });
    }
    throw error;
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
