// One graph run per workspace at a time: a lock file naming the owner (core/lock-file.ts; a dead owner's lock is taken
// over by exactly one waiting run), plus an in-process queue for runs started from the same process (`qlf watch`). A
// second `qlf run` waits, then mostly hits the cache the first one filled; the cache itself is safe without the lock
// (atomic entry renames).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { releaseLockFile, removeLockLeftovers, tryLockFile } from '../core/lock-file.js';

const inProcess = new Map<string, Promise<void>>();

export interface RunLock {
  release(): Promise<void>;
}

/** Takes the lock at `file`, waiting (polling) while a live process holds it; `onWait` is called once when waiting. */
export async function acquireRunLock(
  file: string,
  options: { signal?: AbortSignal; onWait?: (holder: string) => void; pollMs?: number } = {},
): Promise<RunLock> {
  const previous = inProcess.get(file) ?? Promise.resolve();
  let releaseLocal!: () => void;
  const mine = new Promise<void>((resolve) => {
    releaseLocal = resolve;
  });
  const chained = previous.then(() => mine);
  inProcess.set(file, chained);
  await previous;
  let waited = false;
  let nonce: string;
  try {
    await mkdir(dirname(file), { recursive: true });
    for (;;) {
      options.signal?.throwIfAborted();
      const attempt = await tryLockFile(file);
      if ('nonce' in attempt) {
        nonce = attempt.nonce;
        break;
      }
      if (!waited) {
        waited = true;
        options.onWait?.(attempt.holder ? String(attempt.holder.pid) : 'unknown');
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  } catch (error) {
    releaseLocal();
    if (inProcess.get(file) === chained) inProcess.delete(file);
    throw error;
  }
  await removeLockLeftovers(file, nonce).catch(() => undefined);
  return {
    async release() {
      try {
        await releaseLockFile(file, nonce);
      } finally {
        releaseLocal();
        if (inProcess.get(file) === chained) inProcess.delete(file);
      }
    },
  };
}
