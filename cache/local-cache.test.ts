import { mkdtemp as makeTemp, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSize } from '../cli/commands/cache.js';
import { sha256 } from '../core/hash.js';
import { LocalCache } from './local-cache.js';

const temps: string[] = [];
/** mkdtemp that remembers the folder, removed after the file's tests. */
async function mkdtemp(prefix: string): Promise<string> {
  const dir = await makeTemp(prefix);
  temps.push(dir);
  return dir;
}
afterAll(() => Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true }))));

async function source(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-cache-src-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const meta = (hash: string) => ({
  taskId: 'a:compile',
  hash,
  terminalOutput: 'ok',
  durationMs: 5,
  qlfVersion: '0.0.0',
});
const hashOf = (n: number) => sha256(String(n));

describe('LocalCache', () => {
  it('stores, verifies and restores an entry with its manifest', async () => {
    const cache = new LocalCache(await mkdtemp(join(tmpdir(), 'qlf-cache-')));
    const src = await source({ 'ir.json': '{}\n', 'service/app/main.py': 'print(1)\n' });
    const manifest = await cache.put(src, meta(hashOf(1)));
    expect(manifest.files.map((f) => [f.path, f.size])).toEqual([
      ['ir.json', 3],
      ['service/app/main.py', 9],
    ]);
    const target = await mkdtemp(join(tmpdir(), 'qlf-cache-dst-'));
    expect(await cache.restore(hashOf(1), target)).toMatchObject({ taskId: 'a:compile', terminalOutput: 'ok' });
    expect(await readFile(join(target, 'service', 'app', 'main.py'), 'utf8')).toBe('print(1)\n');
    expect(await cache.restore(hashOf(2), target)).toBeUndefined();
  });

  it('discards a truncated file or a missing manifest instead of serving it', async () => {
    const cache = new LocalCache(await mkdtemp(join(tmpdir(), 'qlf-cache-')));
    const src = await source({ 'ir.json': '{"long": true}\n' });
    await cache.put(src, meta(hashOf(1)));
    await writeFile(join(cache.entryDir(hashOf(1)), 'files', 'ir.json'), '{"lo');
    expect(await cache.restore(hashOf(1), await mkdtemp(join(tmpdir(), 'qlf-cache-dst-')))).toBeUndefined();
    expect((await cache.list()).length).toBe(0);
    await mkdir(join(cache.entryDir(hashOf(3)), 'files'), { recursive: true }); // partial: no manifest
    expect(await cache.has(hashOf(3))).toBe(false);
    expect((await cache.list()).length).toBe(0);
  });

  it('keeps the first entry when two writers store one hash at once', async () => {
    const cache = new LocalCache(await mkdtemp(join(tmpdir(), 'qlf-cache-')));
    const src = await source({ 'ir.json': '{}\n' });
    await Promise.all(Array.from({ length: 6 }, () => cache.put(src, meta(hashOf(1)))));
    expect(await cache.has(hashOf(1))).toBe(true);
    expect((await cache.list()).length).toBe(1);
  });

  it('prunes least recently used entries down to a size, and cleans', async () => {
    const cache = new LocalCache(await mkdtemp(join(tmpdir(), 'qlf-cache-')));
    for (const n of [1, 2, 3]) {
      await cache.put(await source({ 'blob.txt': 'x'.repeat(1000) }), meta(hashOf(n)));
      const old = new Date(Date.now() - (10 - n) * 60_000);
      await utimes(join(cache.entryDir(hashOf(n)), 'manifest.json'), old, old);
    }
    // reading entry 1 makes it the most recently used
    await cache.restore(hashOf(1), await mkdtemp(join(tmpdir(), 'qlf-cache-dst-')));
    const stats = await cache.stats();
    expect(stats).toMatchObject({ entries: 3, storedDurationMs: 15 });
    const perEntry = stats.bytes / 3;
    const pruned = await cache.prune(Math.ceil(perEntry * 2));
    expect(pruned.removed).toBe(1);
    expect(await cache.has(hashOf(2))).toBe(false);
    expect(await cache.has(hashOf(1))).toBe(true);
    expect(await cache.clean()).toMatchObject({ removed: 2 });
    expect((await cache.stats()).entries).toBe(0);
  });

  it('returns a stamp with a verified entry that holds while the entry is untouched', async () => {
    const cache = new LocalCache(await mkdtemp(join(tmpdir(), 'qlf-cache-')));
    const src = await source({ 'ir.json': '{}\n', 'service/app/main.py': 'print(1)\n' });
    const put = await cache.putVerified(src, meta(hashOf(1)));
    const files = put.manifest.files.map((f) => f.path);
    expect(cache.unchangedSince(hashOf(1), files, put.stamp)).toBe(true);
    const restored = await cache.restoreVerified(hashOf(1));
    expect(restored?.stamp).toBe(put.stamp);
    // marking the entry as used (a restore does it too) leaves the stamp alone
    cache.touch(hashOf(1));
    expect(cache.unchangedSince(hashOf(1), files, put.stamp)).toBe(true);
    // a same-size rewrite of a stored file, or of the manifest, is a change
    await writeFile(join(cache.entryDir(hashOf(1)), 'files', 'service', 'app', 'main.py'), 'print(2)\n');
    expect(cache.unchangedSince(hashOf(1), files, put.stamp)).toBe(false);
    expect(await cache.restoreVerified(hashOf(1))).toBeUndefined();
    expect(cache.unchangedSince(hashOf(1), files, put.stamp)).toBe(false);
  });

  it('orders pruning by the last use marked on the entry folder', async () => {
    const cache = new LocalCache(await mkdtemp(join(tmpdir(), 'qlf-cache-')));
    for (const n of [1, 2, 3]) {
      await cache.put(await source({ 'blob.txt': 'x'.repeat(1000) }), meta(hashOf(n)));
      const old = new Date(Date.now() - (10 - n) * 60_000);
      await utimes(join(cache.entryDir(hashOf(n)), 'manifest.json'), old, old);
      await utimes(cache.entryDir(hashOf(n)), old, old);
    }
    cache.touch(hashOf(1));
    expect((await cache.list()).map((e) => e.hash)).toEqual([hashOf(2), hashOf(3), hashOf(1)]);
  });

  it('parses --max-size values', () => {
    expect(parseSize('100MB')).toBe(100 * 1024 * 1024);
    expect(parseSize('1.5 kb')).toBe(1536);
    expect(parseSize('42')).toBe(42);
    expect(() => parseSize('lots')).toThrow(/not a size/);
  });
});
