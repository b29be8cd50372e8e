// A lock file naming its holder (`<pid> <start> <nonce>`), created whole with link() so nobody reads it half-written,
// and taken over from a dead holder by exactly one contender. Taking over is a compare-and-swap made of exclusive
// creation: only the holder of `<lock>.<nonce>.claim` (a lock file too, taken over the same way when its holder dies)
// may replace generation <nonce>, and it reads the lock again under the claim before renaming its own over it. No one
// else ever changes a generation and a nonce never comes back, so a fresh lock is never removed as if it were stale.
import { createHash, randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { currentOwner, type Owner, ownerAlive, stampedOwner } from './owner-stamp.js';

export interface LockHolder extends Owner {
  /** Names one generation of the lock. */
  nonce: string;
}

/** A lock found empty this long was left by an older qlf killed between creating and writing it. */
const EMPTY_GRACE_MS = 10_000;
/** File systems without hard links: fall back to create-then-write. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

// Nonces this process holds, shared by every copy of this module in the thread (sources and built files in tests).
const HELD_KEY = Symbol.for('qlf.lock-file.held');
const held: Set<string> = ((globalThis as Record<symbol, unknown>)[HELD_KEY] as Set<string> | undefined) ?? new Set();
(globalThis as Record<symbol, unknown>)[HELD_KEY] = held;

/** The holder written in a lock's text; a lock of an older qlf holds the pid alone. */
export function parseHolder(text: string): LockHolder | undefined {
  const [pid, start, nonce, ...rest] = text.trim().split(/\s+/);
  if (!pid || !/^\d+$/.test(pid) || rest.length > 0) return undefined;
  if (start === undefined) return { pid: Number(pid), start: '0', nonce: `pid${pid}` };
  if (!/^\d+$/.test(start) || !nonce || !/^[0-9a-f]+$/.test(nonce)) return undefined;
  return { pid: Number(pid), start, nonce };
}

/** Whether the holder may still be using the lock: a live process, or this one while it holds that generation. */
function holderAlive(holder: LockHolder): boolean {
  const me = currentOwner();
  if (holder.pid === me.pid && (holder.start === me.start || holder.start === '0')) return held.has(holder.nonce);
  return ownerAlive(holder);
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.start === b.start && a.nonce === b.nonce;
}

type Seen = { holder: LockHolder } | 'gone' | 'unknown';

async function readHolder(file: string): Promise<Seen> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unknown';
  }
  if (text.trim() === '') {
    const info = await stat(file).catch(() => undefined);
    if (!info) return 'gone';
    if (Date.now() - info.mtimeMs < EMPTY_GRACE_MS) return 'unknown';
    return { holder: { pid: 0, start: '0', nonce: `empty${info.ino}m${Math.floor(info.mtimeMs)}` } };
  }
  // Text no qlf writes: a holder that is surely dead, its generation named by the text.
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return { holder: parseHolder(text) ?? { pid: 0, start: '0', nonce: `x${digest}` } };
}

/** A sibling to write a lock in before it becomes the lock: `<lock>.p<pid>t<start>-<hex>.tmp`. */
function candidate(file: string): string {
  const me = currentOwner();
  return `${file}.p${me.pid}t${me.start}-${randomBytes(6).toString('hex')}.tmp`;
}

/** Creates `file` holding `text` unless it exists; false when it does. */
async function createWhole(file: string, text: string): Promise<boolean> {
  const temp = candidate(file);
  await writeFile(temp, text);
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_LINKS.has(code)) throw error;
  } finally {
    await rm(temp, { force: true });
  }
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(text);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function replaceWhole(file: string, text: string): Promise<void> {
  const temp = candidate(file);
  await writeFile(temp, text);
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Takes the lock `file` for this process: returns its nonce, or the live holder when there is one (no holder when it
 * cannot be told, e.g. while another contender is taking a dead holder's lock over).
 */
export async function tryLockFile(file: string): Promise<{ nonce: string } | { holder?: LockHolder }> {
  for (;;) {
    const nonce = randomBytes(8).toString('hex');
    const me = currentOwner();
    const text = `${me.pid} ${me.start} ${nonce}\n`;
    // Held before the file shows: a contender of this process must never see it unheld, and so stale.
    held.add(nonce);
    let created = false;
    try {
      created = await createWhole(file, text);
    } finally {
      if (!created) held.delete(nonce);
    }
    if (created) return { nonce };
    const seen = await readHolder(file);
    if (seen === 'gone') continue;
    if (seen === 'unknown') return {};
    if (holderAlive(seen.holder)) return { holder: seen.holder };
    const claim = `${file}.${seen.holder.nonce}.claim`;
    const claimed = await tryLockFile(claim);
    if (!('nonce' in claimed)) return {};
    try {
      const again = await readHolder(file);
      if (typeof again === 'object' && sameHolder(again.holder, seen.holder) && !holderAlive(again.holder)) {
        held.add(nonce);
        try {
          await replaceWhole(file, text);
        } catch (error) {
          held.delete(nonce);
          throw error;
        }
        return { nonce };
      }
    } finally {
      await releaseLockFile(claim, claimed.nonce);
    }
    // Another contender replaced that generation first, or its holder released it: look again.
  }
}

/** Removes `file` when it still holds generation `nonce` of this process. */
export async function releaseLockFile(file: string, nonce: string): Promise<void> {
  try {
    const seen = await readHolder(file);
    if (typeof seen === 'object' && seen.holder.nonce === nonce && seen.holder.pid === currentOwner().pid) {
      await rm(file, { force: true });
    }
  } finally {
    held.delete(nonce);
  }
}

/**
 * Removes what takeovers of earlier generations left beside `file`, now held by us as generation `nonce`: claims on
 * other generations (never used again: a generation does not come back) and candidates of dead processes.
 */
export async function removeLockLeftovers(file: string, nonce: string): Promise<void> {
  const prefix = `${basename(file)}.`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const owner = rest.endsWith('.tmp') ? stampedOwner(rest) : undefined;
    const stale = rest.endsWith('.claim') ? !rest.startsWith(`${nonce}.`) : owner !== undefined && !ownerAlive(owner);
    if (stale) await rm(join(dirname(file), name), { force: true }).catch(() => undefined);
  }
}
