// Appends audit records to a JSON-lines log, safe when several qlf processes finish at once: each record is one write
// under a lock file, and rotation by size (`audit.jsonl` → `.1` → … → `.<keep>`, the oldest dropped) happens under
// the same lock. A line torn by a crash is closed off with a newline so the next record stays whole.
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { workError } from '../../core/errors.js';
import { releaseLockFile, tryLockFile } from '../../core/lock-file.js';

export interface AuditLogOptions {
  /** Rotate once appending would take the log past this size. */
  maxBytes: number;
  /** Rotated logs kept (`<file>.1` … `<file>.<keep>`). */
  keep: number;
  /** Longest wait for the lock. @default 10000 */
  lockWaitMs?: number;
}

const LOCK_POLL_MS = 10;

/** Runs `work` holding `<file>.lock`; a work error when another process holds it past `waitMs`. */
async function withLock<T>(file: string, waitMs: number, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  let taken = await tryLockFile(lock);
  while (!('nonce' in taken)) {
    if (Date.now() > deadline) {
      throw workError('E_AUDIT_LOCK', `the audit log ${file} stayed locked for ${Math.round(waitMs / 1000)} s`, {
        hint: `Another qlf process holds ${lock}; if none is running, delete that file.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS + Math.random() * LOCK_POLL_MS));
    taken = await tryLockFile(lock);
  }
  try {
    return await work();
  } finally {
    await releaseLockFile(lock, taken.nonce);
  }
}

/** `<file>` → `<file>.1`, `<file>.1` → `<file>.2`, …; `<file>.<keep>` is dropped. */
async function rotate(file: string, keep: number): Promise<void> {
  await rm(`${file}.${keep}`, { force: true });
  for (let index = keep - 1; index >= 1; index--) {
    await rename(`${file}.${index}`, `${file}.${index + 1}`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await rename(file, `${file}.1`);
}

/** Whether the log ends mid-line (a writer died during its write). */
async function endsTorn(file: string, size: number): Promise<boolean> {
  if (size === 0) return false;
  const handle = await open(file, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** Appends `record` as one JSON line to `file`, rotating first when the line would take it past `maxBytes`. */
export async function appendAuditRecord(file: string, record: unknown, options: AuditLogOptions): Promise<void> {
  const line = Buffer.from(`${JSON.stringify(record)}\n`);
  await mkdir(dirname(file), { recursive: true });
  await withLock(file, options.lockWaitMs ?? 10_000, async () => {
    let size = (await stat(file).catch(() => undefined))?.size ?? 0;
    if (size > 0 && size + line.length > options.maxBytes) {
      await rotate(file, options.keep);
      size = 0;
    }
    const text = (await endsTorn(file, size)) ? Buffer.concat([Buffer.from('\n'), line]) : line;
    const handle = await open(file, 'a');
    try {
      await handle.write(text, 0, text.length);
    } finally {
      await handle.close();
    }
  });
}
