// Atomic writes in a batch: every file goes to a temp sibling first and all of them are flushed to disk together,
// then each is renamed over its target when the caller says so. A crash leaves each file old or new, never half of
// one, as with one atomic write per file, but the batch waits for the disk about once instead of once per file
// (concurrent fsyncs share a journal commit): a service's ~50 files cost one flush, not fifty.
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempSiblingOf } from '../../../core/owned-temp.js';

export interface StagedFile {
  target: string;
  content: string;
  mode: number;
}

export interface StagedWrites {
  /** Renames the staged content of `target` over it. */
  commit(target: string): Promise<void>;
  /** Removes what was staged and not committed (after a failure part-way). */
  discard(): Promise<void>;
}

/** Files open at once while staging. */
const OPEN_AT_ONCE = 32;

async function writeAll(handles: FileHandle[], files: StagedFile[]): Promise<void> {
  await Promise.all(handles.map((handle, i) => handle.writeFile((files[i] as StagedFile).content)));
  await Promise.all(handles.map((handle) => handle.sync()));
}

/** Writes and flushes every file to a temp sibling of its target; nothing is visible at the targets yet. */
export async function stageFiles(files: readonly StagedFile[]): Promise<StagedWrites> {
  const temps = new Map<string, string>();
  const discard = async () => {
    await Promise.all([...temps.values()].map((temp) => rm(temp, { force: true })));
    temps.clear();
  };
  try {
    for (const dir of new Set(files.map((file) => dirname(file.target)))) await mkdir(dir, { recursive: true });
    for (let i = 0; i < files.length; i += OPEN_AT_ONCE) {
      const chunk = files.slice(i, i + OPEN_AT_ONCE);
      const handles: FileHandle[] = [];
      try {
        for (const file of chunk) {
          const temp = tempSiblingOf(file.target);
          temps.set(file.target, temp);
          handles.push(await open(temp, 'w', file.mode));
        }
        await writeAll(handles, chunk);
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
      }
    }
  } catch (error) {
    await discard();
    throw error;
  }
  return {
    async commit(target) {
      const temp = temps.get(target);
      if (temp === undefined) throw new Error(`${target} was not staged`);
      await rename(temp, target);
      temps.delete(target);
    },
    discard,
  };
}
