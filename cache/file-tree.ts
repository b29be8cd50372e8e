// Lists and hashes the files of a folder: the unit the cache stores and the hash downstream tasks depend on.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashParts, sha256 } from '../core/hash.js';

export interface TreeFile {
  /** POSIX path relative to the folder. */
  path: string;
  sha256: string;
  size: number;
}

/** Every regular file under `dir` as sorted POSIX relative paths (an absent folder has none). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(abs, entry.name), childRel);
      else if (entry.isFile()) out.push(childRel);
    }
  };
  await walk(dir, '');
  return out.sort();
}

/** Content hash and size of every file under `dir`, sorted by path. */
export async function hashTree(dir: string, only?: (path: string) => boolean): Promise<TreeFile[]> {
  const paths = (await listFiles(dir)).filter((path) => (only ? only(path) : true));
  return Promise.all(
    paths.map(async (path) => {
      const bytes = await readFile(join(dir, ...path.split('/')));
      return { path, sha256: sha256(bytes), size: bytes.length };
    }),
  );
}

/** One digest for a list of files: paths and content hashes, in path order. */
export function digestFiles(files: readonly TreeFile[]): string {
  return hashParts([...files].sort((a, b) => (a.path < b.path ? -1 : 1)).flatMap((f) => [f.path, f.sha256]));
}
