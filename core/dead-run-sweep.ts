// What killed runs left behind, removed when a run starts: their temp folders in the OS temp folder and in the cache,
// and, when a run folder in `.qlf/tmp` shows that a run died, the half-written `*.qlf-tmp` siblings it may have left in
// the outputs, `.qlf/` and the working copies. Only what a dead process made goes: every name carries its maker's pid
// (core/owner-stamp.ts), and a live process's files are never touched, whether it holds the run lock or not.
import { lstat, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findDeadOwned, removeDeadOwned, removeDeadTempDirs, removeEach, siblingOwner } from './owned-temp.js';
import { type Owner, ownerAlive, STAMP_PATTERN } from './owner-stamp.js';

/** A sibling without a stamp (an older qlf) this old was left by a dead writer: writing one takes seconds at most. */
const UNSTAMPED_SIBLING_MS = 60 * 60 * 1000;
/** Folders under a root not walked for siblings: nothing qlf writes lives there, and they can be huge. */
const NOT_WALKED = new Set(['node_modules', '.git']);

/** `.qlf/tmp/run-<stamp>-<hex>`, and the older `run-<pid>-<hex>` / `stage-<pid>-<hex>` (pid alone). */
const RUN_FOLDER = new RegExp(`^(?:run|stage)-(?:${STAMP_PATTERN}|(\\d+))-[0-9a-f]+$`);
/** The local cache's `tmp/<pid>-<hex>` (pid alone), or `tmp/<stamp>-<hex>`. */
const CACHE_TEMP = new RegExp(`^(?:${STAMP_PATTERN}|(\\d+))-[0-9a-f]+$`);

function ownerFrom(pattern: RegExp): (name: string) => Owner | undefined {
  return (name) => {
    const match = pattern.exec(name);
    if (!match) return undefined;
    return match[1] ? { pid: Number(match[1]), start: match[2] as string } : { pid: Number(match[3]), start: '0' };
  };
}

export interface SweepPlaces {
  /** The workspace root (holds `.qlf/`). */
  root: string;
  outDir: string;
  cacheDir: string;
  /** The briefs' working copies. */
  serviceDirs: readonly string[];
}

/** Removes what dead runs left; returns the removed paths. Never throws: what cannot be removed now waits for later. */
export async function sweepDeadRuns(places: SweepPlaces): Promise<string[]> {
  const removed = [
    ...(await removeDeadTempDirs()),
    ...(await removeDeadOwned(join(places.cacheDir, 'tmp'), ownerFrom(CACHE_TEMP))),
  ];
  const qlfDir = join(places.root, '.qlf');
  const tmpDir = join(qlfDir, 'tmp');
  const deadRuns = await findDeadOwned(tmpDir, ownerFrom(RUN_FOLDER));
  if (deadRuns.length === 0) return removed;
  // A run died: look for its siblings before removing its folder, so a sweep cut short is done again next time.
  const skip = new Set([resolve(tmpDir), resolve(places.cacheDir)]);
  for (const root of [qlfDir, places.outDir, ...places.serviceDirs]) {
    removed.push(...(await removeDeadSiblings(resolve(root), skip)));
  }
  removed.push(...(await removeEach(deadRuns)));
  return removed;
}

/** Removes `*.qlf-tmp` entries under `dir` (never following links) whose writer is dead. */
async function removeDeadSiblings(dir: string, skip: ReadonlySet<string>): Promise<string[]> {
  if (skip.has(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const owner = siblingOwner(entry.name);
    if (owner !== undefined) {
      if (await deadSibling(path, owner)) removed.push(...(await removeEach([path])));
    } else if (entry.isDirectory() && !NOT_WALKED.has(entry.name)) {
      removed.push(...(await removeDeadSiblings(path, skip)));
    }
  }
  return removed;
}

async function deadSibling(path: string, owner: Owner | null): Promise<boolean> {
  if (owner) return !ownerAlive(owner);
  const info = await lstat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > UNSTAMPED_SIBLING_MS;
}
