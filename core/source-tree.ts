// The files of a service's working copy that ship: what verify checks, build puts in the image and package signs.
// Left out: interpreter, test and tool caches, virtualenvs, VCS metadata, local secrets (`.env`), qlf's own lock file,
// and whatever git ignores there. A snapshot copies those files once, so every later stage of a run reads the same
// bytes that were hashed, however the user goes on editing.
import { execFile } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inputError } from './errors.js';
import { hashParts, sha256 } from './hash.js';

/** Folder names that never ship, wherever they are. */
export const NEVER_SHIPPED_DIRS: ReadonlySet<string> = new Set([
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.hypothesis',
  '.tox',
  '.nox',
  '.venv',
  'venv',
  'node_modules',
  '.git',
  '.qlf',
  '.nx',
  'htmlcov',
]);

/** The lock file qlf writes at the root of a working copy (see executors/generate/lib/lock-file.ts). */
export const LOCK_FILE = 'qlf.lock.json';

const NEVER_SHIPPED_FILES = [
  /\.py[co]$/,
  /^\.DS_Store$/,
  /^\.coverage(\..*)?$/,
  /\.qlf-tmp$/,
  /^\.env$/,
  /^\.env\..*\.local$/,
];

/** Whether an entry called `name` (a folder when `isDir`) is left out wherever it is. */
export function neverShipped(name: string, isDir: boolean): boolean {
  return isDir ? NEVER_SHIPPED_DIRS.has(name) : NEVER_SHIPPED_FILES.some((pattern) => pattern.test(name));
}

/** One shipped file: POSIX path relative to the working copy, content digest, size and permission bits. */
export interface SourceFile {
  path: string;
  sha256: string;
  size: number;
  mode: number;
}

/** The shipped files of a working copy and one digest over paths, contents and modes. */
export interface SourceManifest {
  digest: string;
  files: SourceFile[];
}

/** The digest of a list of shipped files: what downstream task hashes depend on. */
export function digestSource(files: readonly SourceFile[]): string {
  return hashParts([
    'qlf-source/v1',
    ...[...files].sort((a, b) => (a.path < b.path ? -1 : 1)).flatMap((f) => [f.path, f.sha256, String(f.mode)]),
  ]);
}

/** Files git would ignore under `dir`, as relative POSIX paths; undefined when `dir` is not in a git work tree. */
function gitIgnored(dir: string): Promise<Set<string> | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => {
        if (error) resolve(undefined);
        else resolve(new Set(stdout.split('\0').filter((p) => p !== '')));
      },
    );
  });
}

/**
 * The shipped files under `dir`, sorted, with their digests and modes; an absent folder has none. A symlink is an
 * input error: it could point out of the working copy.
 */
export async function listSourceFiles(dir: string): Promise<SourceFile[]> {
  const top = await lstat(dir).catch(() => undefined);
  if (!top) return [];
  if (!top.isDirectory()) {
    throw inputError('E_SOURCE_PATH', `${dir} is not a folder`, {
      hint: 'Move the file out of the way: qlf keeps the service it generates in this folder.',
    });
  }
  const ignored = await gitIgnored(dir);
  const files: SourceFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const entry of await readdir(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const childAbs = join(abs, entry.name);
      if (neverShipped(entry.name, entry.isDirectory())) continue;
      if (rel === '' && entry.name === LOCK_FILE) continue;
      if (ignored?.has(entry.isDirectory() ? `${childRel}/` : childRel)) continue;
      if (entry.isSymbolicLink()) {
        throw inputError('E_SOURCE_SYMLINK', `${childAbs} is a symbolic link`, {
          hint: 'A service holds regular files only: replace the link with the file it points to, or remove it.',
        });
      }
      if (entry.isDirectory()) {
        await walk(childAbs, childRel);
      } else if (entry.isFile()) {
        const [bytes, info] = await Promise.all([readFile(childAbs), lstat(childAbs)]);
        files.push({ path: childRel, sha256: sha256(bytes), size: bytes.length, mode: info.mode & 0o777 });
      }
    }
  };
  await walk(dir, '');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Copies the shipped files of `dir` into `into` (created) and returns their manifest, taken from the copies: what the
 * manifest says is exactly what `into` holds, even if `dir` changes meanwhile.
 */
export async function snapshotSource(dir: string, into: string): Promise<SourceManifest> {
  const listed = await listSourceFiles(dir);
  await mkdir(into, { recursive: true });
  const files: SourceFile[] = [];
  for (const file of listed) {
    const target = join(into, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(dir, ...file.path.split('/')), target);
    await chmod(target, file.mode);
    const bytes = await readFile(target);
    files.push({ ...file, sha256: sha256(bytes), size: bytes.length });
  }
  return { digest: digestSource(files), files };
}
