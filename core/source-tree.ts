// The files of a service's working copy that ship: what verify checks, build puts in the image and package signs.
// Left out: interpreter, test and tool caches, virtualenvs, VCS metadata, local secrets (`.env`), qlf's own lock file,
// and what the working copy's own `.gitignore` files ignore. Only those: they travel with the code, whereas a parent
// folder's or a user's global ignore rules would make the shipped files (and every hash) depend on the machine. A snapshot copies those files once, so every later stage of a run reads the same
// bytes that were hashed, however the user goes on editing.
import { chmod, copyFile, lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { inputError } from './errors.js';
import { hashParts, sha256 } from './hash.js';
import { LOCK_FILE, neverShipped } from './never-shipped.js';

/**
 * Permission bits as git keeps them: executable or not. The rest depends on the machine's umask, so it enters no hash
 * and no capsule.
 */
export function normalMode(mode: number): number {
  return mode & 0o100 ? 0o755 : 0o644;
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

/** The `.gitignore` rules of one folder of the working copy, scoped to it. */
interface IgnoreLevel {
  /** The folder, relative to the working copy (`''` for its root). */
  dir: string;
  rules: Ignore;
}

/** Reads `<abs>/.gitignore` into a level, or undefined when there is none. */
async function ignoreLevel(abs: string, rel: string): Promise<IgnoreLevel | undefined> {
  const text = await readFile(join(abs, '.gitignore'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : { dir: rel, rules: ignore().add(text) };
}

/**
 * Whether `rel` (a folder when `isDir`) is ignored by the `.gitignore` files above it, git's way: the deepest rule that
 * matches decides, and `!pattern` takes a path back.
 */
function ignoredBy(levels: readonly IgnoreLevel[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const level of levels) {
    const local = level.dir === '' ? rel : rel.slice(level.dir.length + 1);
    const verdict = level.rules.test(isDir ? `${local}/` : local);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
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
  const files: SourceFile[] = [];
  const walk = async (abs: string, rel: string, levels: readonly IgnoreLevel[]): Promise<void> => {
    const own = await ignoreLevel(abs, rel);
    const here = own ? [...levels, own] : levels;
    for (const entry of await readdir(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const childAbs = join(abs, entry.name);
      if (neverShipped(entry.name, entry.isDirectory())) continue;
      if (rel === '' && entry.name === LOCK_FILE) continue;
      if (ignoredBy(here, childRel, entry.isDirectory())) continue;
      if (entry.isSymbolicLink()) {
        throw inputError('E_SOURCE_SYMLINK', `${childAbs} is a symbolic link`, {
          hint: 'A service holds regular files only: replace the link with the file it points to, or remove it.',
        });
      }
      if (entry.isDirectory()) {
        await walk(childAbs, childRel, here);
      } else if (entry.isFile()) {
        const [bytes, info] = await Promise.all([readFile(childAbs), lstat(childAbs)]);
        files.push({ path: childRel, sha256: sha256(bytes), size: bytes.length, mode: normalMode(info.mode) });
      }
    }
  };
  await walk(dir, '', []);
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
