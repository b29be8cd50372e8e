// Stat stamps: what git's index does to tell an untouched file from an edited one without reading it. A stamp is a
// path's mode (type and permissions), size, mtime, ctime and inode; any write, rename over, chmod or `touch` changes one of them (ctime
// cannot be set back from user space), so an unchanged stamp means unchanged bytes. Sync calls on purpose: a warm run
// stats thousands of files and has nothing else to do meanwhile; the thread pool round trip would cost more than the stat.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { sha256 } from '../core/hash.js';

/** The stamps of every path under a root, folded into one digest; `paths` says what to stat again to compare. */
export interface TreeStamp {
  /** POSIX paths relative to the root (`''` is the root itself), folders included, in walk order. */
  paths: string[];
  digest: string;
}

// `mode` holds the file type too (file, folder, symlink), so a folder replaced by a file of the same times shows.
function stampOfStats(stats: Stats): string {
  return `${stats.mode} ${stats.size} ${stats.mtimeMs} ${stats.ctimeMs} ${stats.ino}`;
}

const NO_THROW = { throwIfNoEntry: false } as const;

/** The stamp of one path (not following a symlink); `absent` when nothing is there. */
export function stampOf(path: string): string {
  const stats = lstatSync(path, NO_THROW);
  return stats ? stampOfStats(stats) : 'absent';
}

/** `rel` (POSIX, `''` for the root itself) under `root`; plain concatenation where `/` is the separator (hot path). */
function under(root: string, rel: string): string {
  if (rel === '') return root;
  return sep === '/' ? `${root}/${rel}` : join(root, ...rel.split('/'));
}

/**
 * One digest for paths and their stamps, taken earlier. Neither a path nor a stamp can hold a NUL, so NUL-separated
 * they cannot run into each other; one hash update of the whole text is much cheaper than one per part.
 */
export function foldStamps(paths: readonly string[], stamps: readonly string[]): string {
  let text = '';
  for (let i = 0; i < paths.length; i++) text += `${paths[i]}\0${stamps[i] ?? 'absent'}\0`;
  return sha256(text);
}

/** `foldStamps` of `paths` under `root` as they are now. */
export function digestStamps(root: string, paths: readonly string[]): string {
  return foldStamps(
    paths,
    paths.map((rel) => stampOf(under(root, rel))),
  );
}

/**
 * Stamps `root` and, if it is a folder, everything under it but the folders `skipDir` names (a working copy's
 * virtualenv or caches: thousands of files that never ship). Each folder is stamped before it is listed, so an entry
 * added while walking changes the folder's mtime after its stamp was taken and shows up as a change next time.
 */
export function stampTree(root: string, skipDir: (name: string) => boolean = () => false): TreeStamp {
  const paths: string[] = [];
  const stamps: string[] = [];
  const visit = (rel: string) => {
    const abs = under(root, rel);
    const stats = lstatSync(abs, NO_THROW);
    paths.push(rel);
    stamps.push(stats ? stampOfStats(stats) : 'absent');
    if (!stats?.isDirectory() || (rel !== '' && skipDir(rel.slice(rel.lastIndexOf('/') + 1)))) return;
    for (const name of readdirSync(abs).sort()) visit(rel === '' ? name : `${rel}/${name}`);
  };
  visit('');
  return { paths, digest: foldStamps(paths, stamps) };
}

/**
 * Whether nothing under `root` changed since `stamp` was taken: same paths, same stamps. A file added to a stamped
 * folder changes that folder's mtime, so additions are caught without listing folders again.
 */
export function treeUnchanged(root: string, stamp: TreeStamp): boolean {
  return digestStamps(root, stamp.paths) === stamp.digest;
}
