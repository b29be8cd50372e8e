// Where a capsule is extracted: a new or empty folder reached through real folders. The path is checked before
// anything is written, then the missing folders are made one at a time (a recursive mkdir loops forever on file
// systems such as /proc that refuse it with ENOENT), and the files go into a hidden sibling renamed into place.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readlink, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { inputError } from '../../../core/errors.js';

export interface ExtractTarget {
  dir: string;
  parent: string;
  /** Folders to create, outermost first (the target's missing ancestors). */
  missing: string[];
  /** The target is an existing empty folder. */
  exists: boolean;
}

export interface StagedTarget {
  /** Hidden sibling of the target to write into. */
  temp: string;
  /** Moves the written tree into place. */
  commit(): Promise<void>;
  /** Removes everything this staging created. */
  abort(): Promise<void>;
}

const HINT = 'Extract into a new or empty folder on a writable file system, e.g. `./unpacked`.';
const targetError = (message: string, hint = HINT) => inputError('E_EXTRACT_TARGET', message, { hint });
const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'unknown error';

type PathKind = 'missing' | 'folder' | 'file' | 'link' | 'dangling-link' | 'other';

/** What is at `path`; `follow` looks through symbolic links (a link to a folder counts as a folder). */
async function kindOf(path: string, follow: boolean): Promise<PathKind> {
  try {
    const stats = follow ? await stat(path) : await lstat(path);
    if (stats.isSymbolicLink()) return 'link';
    return stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
  } catch (error) {
    const code = codeOf(error);
    if (follow && (code === 'ENOENT' || code === 'ELOOP')) {
      const isLink = await lstat(path).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      if (isLink) return 'dangling-link';
    }
    if (code === 'ENOENT') return 'missing';
    throw targetError(`cannot look at ${path} (${code})`);
  }
}

async function danglingLinkError(link: string, dir: string) {
  const to = await readlink(link).catch(() => '?');
  return targetError(
    `${link} is a symbolic link to ${to}, which does not exist, so ${dir} cannot be created`,
    'Repair or remove the link, or extract somewhere else.',
  );
}

/** Checks `dir` and the folders above it without writing anything. */
export async function planExtractTarget(dir: string): Promise<ExtractTarget> {
  const target = resolve(dir);
  const parent = dirname(target);
  const ancestors: string[] = [];
  for (let path = parent; ; path = dirname(path)) {
    ancestors.unshift(path);
    if (dirname(path) === path) break;
  }
  for (let i = 0; i < ancestors.length; i++) {
    const path = ancestors[i]!;
    const kind = await kindOf(path, true);
    if (kind === 'folder') continue;
    if (kind === 'missing') return { dir: target, parent, missing: ancestors.slice(i), exists: false };
    if (kind === 'dangling-link') throw await danglingLinkError(path, target);
    throw targetError(`${path} is ${kind === 'file' ? 'a file' : 'not a folder'}, so ${target} cannot be created`);
  }
  const kind = await kindOf(target, false);
  if (kind === 'missing') return { dir: target, parent, missing: [], exists: false };
  if (kind === 'link' || kind === 'dangling-link') {
    throw targetError(`${target} is a symbolic link; refusing to extract through it`, 'Extract into a real folder.');
  }
  if (kind !== 'folder') throw targetError(`${target} is ${kind === 'file' ? 'a file, not a folder' : 'not a folder'}`);
  const children = await readdir(target).catch((error: unknown) => {
    throw targetError(`cannot list ${target} (${codeOf(error)})`);
  });
  if (children.length > 0) {
    throw targetError(
      `${target} is not empty; refusing to extract over existing files`,
      'Extract into a new or empty folder.',
    );
  }
  return { dir: target, parent, missing: [], exists: true };
}

async function makeFolder(path: string, target: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'EEXIST' && (await kindOf(path, true)) === 'folder') return;
    throw targetError(`cannot create ${target}: the file system refused a new folder in ${dirname(path)} (${code})`);
  }
}

/** Makes the missing folders and the hidden sibling; on failure removes whatever it made. */
export async function stageExtractTarget(target: ExtractTarget): Promise<StagedTarget> {
  const created: string[] = [];
  const removeCreated = async () => {
    for (const path of [...created].reverse()) await rmdir(path).catch(() => undefined);
  };
  const temp = join(target.parent, `.${randomBytes(6).toString('hex')}.qlf-tmp`);
  try {
    for (const path of target.missing) {
      await makeFolder(path, target.dir);
      created.push(path);
    }
    await makeFolder(temp, target.dir);
  } catch (error) {
    await removeCreated();
    throw error;
  }
  const abort = async () => {
    await rm(temp, { recursive: true, force: true });
    await removeCreated();
  };
  const moveIn = async () => {
    try {
      // On POSIX this also replaces an empty target folder in one step.
      await rename(temp, target.dir);
    } catch (error) {
      // Where rename cannot replace a folder (Windows), take the empty one away first; rmdir refuses a non-empty one.
      if (!target.exists) throw error;
      await rmdir(target.dir);
      await rename(temp, target.dir);
    }
  };
  const commit = async () => {
    try {
      await moveIn();
    } catch (error) {
      await abort();
      throw targetError(`cannot move the extracted files into ${target.dir} (${codeOf(error)})`);
    }
  };
  return { temp, commit, abort };
}
