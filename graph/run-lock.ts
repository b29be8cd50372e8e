// One graph run per workspace at a time: a lock file holding the owner's pid (a dead owner's lock is taken over), plus
// an in-process queue for runs started from the same process (`qlf watch`). A second `qlf run` waits, then mostly hits
// the cache the first one filled; the cache itself is safe without the lock (atomic entry renames).
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

const inProcess = new Map<string, Promise<void>>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
  await mkdir(dirname(file), { recursive: true });
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const handle = await open(file, 'wx');
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = (await readFile(file, 'utf8').catch(() => '')).trim();
      const pid = Number.parseInt(holder, 10);
      if (holder !== '' && (!Number.isFinite(pid) || !alive(pid) || pid === process.pid)) {
        // A crashed or killed run left its lock behind (same pid: a run of ours that never released it).
        await rm(file, { force: true });
        continue;
      }
      if (!waited) {
        waited = true;
        options.onWait?.(holder || 'unknown');
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  } catch (error) {
    releaseLocal();
    if (inProcess.get(file) === chained) inProcess.delete(file);
    throw error;
  }
  return {
    async release() {
      const holder = (await readFile(file, 'utf8').catch(() => '')).trim();
      if (holder === String(process.pid)) await rm(file, { force: true });
      releaseLocal();
      if (inProcess.get(file) === chained) inProcess.delete(file);
    },
  };
}
