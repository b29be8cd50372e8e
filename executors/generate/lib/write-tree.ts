// Writes a GeneratedTree into the service folder while keeping the user's edits: a three-way merge against the last
// generated version (the base, kept in `.qlf/base/<name>/`), built in a temp folder and swapped in atomically.
import { chmod, cp, lstat, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { replaceDirAtomic } from '../../../core/atomic-fs.js';
import { inputError, workError } from '../../../core/errors.js';
import { resolveInside } from '../../../core/safe-path.js';
import type { GeneratedTree } from '../../../schemas/generated-tree.js';
import { hasConflictMarkers, mergeFile } from './merge.js';
import { assertSafeRelativePath } from './relative-path.js';

/** What happened to each path, relative to the service folder; every list is sorted. */
export interface WriteReport {
  /** Written as generated: new files, and files the user had not touched. */
  written: string[];
  /** Already exactly as generated. */
  unchanged: string[];
  /** User edits and generator changes merged cleanly. */
  merged: string[];
  /** Merged with conflict markers (`<<<<<<< yours` … `>>>>>>> generated`) for the user to resolve. */
  conflicts: string[];
  /** The user deleted it; it stays deleted even though qlf still generates it. */
  keptDeleted: string[];
  /** No longer generated and never edited by the user, so removed. */
  removed: string[];
  /** Edited by the user and left as they are: the generator's version did not change, or it no longer generates them. */
  kept: string[];
}

/** Writes one file whose folder exists; injectable so tests can make a write fail part-way. */
export type FileWriter = (absPath: string, content: string, mode: number) => Promise<void>;

export interface WriteTreeOptions {
  /** @default writes with `fs.writeFile` and sets the mode */
  writeFile?: FileWriter;
}

const DEFAULT_MODE = 0o644;

const defaultWriter: FileWriter = async (absPath, content, mode) => {
  await writeFile(absPath, content, { mode });
  await chmod(absPath, mode);
};

/**
 * `file` when `rel` is a regular file under `root`, `absent` when nothing is there. A symlink or folder on the way is an
 * error: writing through it could leave the service folder, and qlf cannot merge into it.
 */
async function plainFileState(root: string, rel: string): Promise<'file' | 'absent'> {
  const segments = rel.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const part = segments.slice(0, i).join('/');
    let stat: Awaited<ReturnType<typeof lstat>>;
    try {
      stat = await lstat(resolveInside(root, part));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        return 'absent';
      }
      throw error;
    }
    const last = i === segments.length;
    if (stat.isSymbolicLink() || (last ? !stat.isFile() : !stat.isDirectory())) {
      throw inputError(
        'E_SERVICE_PATH',
        `${join(root, part)} is a ${stat.isSymbolicLink() ? 'symlink' : last ? 'folder' : 'file'} where qlf generates ${rel}`,
        { hint: `Move ${join(root, part)} out of the way, then generate again.` },
      );
    }
  }
  return 'file';
}

async function readIfFile(root: string, rel: string): Promise<string | undefined> {
  if ((await plainFileState(root, rel)) === 'absent') return undefined;
  return readFile(resolveInside(root, rel), 'utf8');
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Relative POSIX paths of every regular file under `root` (none when it does not exist). */
async function listFiles(root: string, prefix = ''): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, prefix), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}

/** Removes `rel` and then every parent folder it leaves empty, stopping at `root`. */
async function removeFile(root: string, rel: string): Promise<void> {
  await rm(resolveInside(root, rel), { force: true });
  const segments = rel.split('/');
  for (let i = segments.length - 1; i > 0; i--) {
    try {
      await rmdir(resolveInside(root, segments.slice(0, i).join('/')));
    } catch {
      return; // not empty (or already gone): the folders above are not empty either
    }
  }
}

type Action = { kind: 'write'; content: string; mode: number } | { kind: 'remove' };

/**
 * Writes `tree` into `serviceDir`, merging with the user's edits against the base in `baseDir`, then makes the new
 * generation the base. Both folders are swapped in whole, so a failure leaves the old service and the old base.
 */
export async function writeGeneratedTree(
  tree: GeneratedTree,
  serviceDir: string,
  baseDir: string,
  options: WriteTreeOptions = {},
): Promise<WriteReport> {
  const writer = options.writeFile ?? defaultWriter;
  const write = async (absPath: string, content: string, mode: number) => {
    await mkdir(dirname(absPath), { recursive: true });
    await writer(absPath, content, mode);
  };
  const generated = new Map<string, { content: string; mode: number }>();
  for (const file of tree.files) {
    assertSafeRelativePath(file.path, `agent ${file.agent}`);
    if (generated.has(file.path)) {
      throw workError('E_GENERATED_CLASH', `the generated tree holds ${JSON.stringify(file.path)} twice`);
    }
    generated.set(file.path, { content: file.content, mode: file.mode ?? DEFAULT_MODE });
  }
  // A missing service folder is a fresh start: without it every base file would count as deleted by the user.
  const fresh = !(await pathExists(serviceDir));
  const basePaths = fresh ? [] : await listFiles(baseDir);
  const report: WriteReport = {
    written: [],
    unchanged: [],
    merged: [],
    conflicts: [],
    keptDeleted: [],
    removed: [],
    kept: [],
  };
  const actions = new Map<string, Action>();
  const unresolved: string[] = [];

  for (const [path, next] of generated) {
    const base = fresh ? undefined : await readIfFile(baseDir, path);
    const current = fresh ? undefined : await readIfFile(serviceDir, path);
    if (current === undefined) {
      if (base === undefined) {
        actions.set(path, { kind: 'write', ...next });
        report.written.push(path);
      } else {
        report.keptDeleted.push(path); // the user deleted a generated file on purpose
      }
    } else if (current === next.content) {
      report.unchanged.push(path);
    } else if (base !== undefined && current === base) {
      actions.set(path, { kind: 'write', ...next });
      report.written.push(path);
    } else if (base !== undefined && next.content === base) {
      report.kept.push(path);
    } else {
      // Both changed, or no base to compare with (then the whole file counts as both sides' addition).
      if (hasConflictMarkers(current)) {
        unresolved.push(path);
        continue;
      }
      const merged = mergeFile(current, base ?? '', next.content);
      actions.set(path, { kind: 'write', content: merged.content, mode: next.mode });
      (merged.conflict ? report.conflicts : report.merged).push(path);
    }
  }
  if (unresolved.length > 0) {
    throw inputError(
      'E_UNRESOLVED_CONFLICT',
      `${unresolved.length} file(s) in ${serviceDir} still hold conflict markers from the last generation: ${unresolved.sort().join(', ')}`,
      { hint: 'Resolve the <<<<<<< yours … >>>>>>> generated blocks (or delete the files), then generate again.' },
    );
  }
  for (const path of basePaths) {
    if (generated.has(path)) continue;
    const current = await readIfFile(serviceDir, path);
    if (current === undefined) continue;
    const base = await readFile(resolveInside(baseDir, path), 'utf8');
    if (current === base) {
      actions.set(path, { kind: 'remove' });
      report.removed.push(path);
    } else {
      report.kept.push(path);
    }
  }

  // Fill the new base first, then build and swap the service inside it: every fallible write is done before either
  // swap, and if the base swap itself fails the next run merely sees generator changes as user edits to merge.
  await replaceDirAtomic(baseDir, async (newBase) => {
    for (const [path, next] of generated) await write(resolveInside(newBase, path), next.content, next.mode);
    await replaceDirAtomic(serviceDir, async (newService) => {
      await cp(serviceDir, newService, { recursive: true, verbatimSymlinks: true, force: true }).catch((error) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
      for (const [path, action] of actions) {
        if (action.kind === 'write') {
          const target = resolveInside(newService, path);
          await rm(target, { force: true });
          await write(target, action.content, action.mode);
        } else if (action.kind === 'remove') {
          await removeFile(newService, path);
        }
      }
    });
  });
  for (const list of Object.values(report)) list.sort();
  return report;
}
