import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHolder, releaseLockFile, removeLockLeftovers, tryLockFile } from './lock-file.js';
import { currentOwner } from './owner-stamp.js';

let dir = '';
let count = 0;
const lockFile = () => join(dir, `lock-${++count}`, 'run.lock');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-lock-file-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A pid that was just alive and is no more. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
}

async function writeLock(file: string, text: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
}

describe('lock file', () => {
  it.each([
    ['123\n', { pid: 123, start: '0', nonce: 'pid123' }],
    ['123 456 00ff\n', { pid: 123, start: '456', nonce: '00ff' }],
    ['abc', undefined],
    ['123 456', undefined],
    ['123 456 00ff extra', undefined],
  ])('reads the holder of %j', (text, holder) => {
    expect(parseHolder(text)).toEqual(holder);
  });

  it('creates the lock whole and removes it on release', async () => {
    const file = lockFile();
    await writeLock(file, '');
    await rm(file);
    const taken = await tryLockFile(file);
    if (!('nonce' in taken)) throw new Error('not taken');
    const me = currentOwner();
    expect(await readFile(file, 'utf8')).toBe(`${me.pid} ${me.start} ${taken.nonce}\n`);
    // held by this process: a second attempt sees a live holder
    expect(await tryLockFile(file)).toEqual({ holder: { pid: me.pid, start: me.start, nonce: taken.nonce } });
    await releaseLockFile(file, taken.nonce);
    expect(await readdir(join(file, '..'))).toEqual([]);
  });

  it('never takes a lock from a live process', async () => {
    const file = lockFile();
    await writeLock(file, `${process.ppid}\n`);
    expect(await tryLockFile(file)).toEqual({ holder: { pid: process.ppid, start: '0', nonce: `pid${process.ppid}` } });
    expect(await readFile(file, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over a dead process lock, from many contenders at once exactly once', async () => {
    const pid = deadPid();
    for (let round = 0; round < 50; round++) {
      const file = lockFile();
      await writeLock(file, `${pid} 1 abcdef\n`);
      const attempts = await Promise.all(Array.from({ length: 8 }, () => tryLockFile(file)));
      const winners = attempts.filter((attempt) => 'nonce' in attempt);
      expect(winners, `round ${round}`).toHaveLength(1);
      const nonce = (winners[0] as { nonce: string }).nonce;
      expect(await readFile(file, 'utf8')).toContain(nonce);
      await releaseLockFile(file, nonce);
    }
  });

  it('takes over a lock of this pid from an earlier process, or a generation this process no longer holds', async () => {
    const me = currentOwner();
    for (const text of [`${me.pid} 1 abcdef\n`, `${me.pid} ${me.start} abcdef\n`, `${me.pid}\n`]) {
      const file = lockFile();
      await writeLock(file, text);
      expect('nonce' in (await tryLockFile(file)), text).toBe(true);
    }
  });

  it('takes over when the contender taking the lock over died too, and removes what both left', async () => {
    const file = lockFile();
    await writeLock(file, `${deadPid()} 1 abcdef\n`);
    const claimer = deadPid();
    await writeFile(`${file}.abcdef.claim`, `${claimer} 1 123456\n`);
    await writeFile(`${file}.p${claimer}t1-0a0a0a0a0a0a.tmp`, `${claimer} 1 777777\n`);
    const taken = await tryLockFile(file);
    if (!('nonce' in taken)) throw new Error('not taken');
    await removeLockLeftovers(file, taken.nonce);
    expect(await readdir(join(file, '..'))).toEqual(['run.lock']);
  });

  it('waits on an empty lock (an older qlf between creating and writing it) unless it is old', async () => {
    const file = lockFile();
    await writeLock(file, '');
    expect(await tryLockFile(file)).toEqual({});
    const past = new Date(Date.now() - 60_000);
    await utimes(file, past, past);
    expect('nonce' in (await tryLockFile(file))).toBe(true);
    expect(existsSync(file)).toBe(true);
  });
});
