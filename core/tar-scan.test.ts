import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createTar, gunzip, gunzipChunks, readTar, type TarEntry, type TarScanEvent, TarScanner } from './tar.js';

const text = (value: string) => new TextEncoder().encode(value);
const sample: TarEntry[] = [
  { path: 'b.txt', content: text('bee\n') },
  { path: 'a/run.sh', content: text('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { path: `${'deep/'.repeat(30)}file.txt`, content: text('long\n') },
  { path: 'ünïcode.md', content: text('u\n') },
  { path: 'empty', content: new Uint8Array(0) },
  { path: 'block', content: new Uint8Array(1024).fill(7) },
];
const limits = { maxEntries: 100, maxTotalBytes: 1 << 20, maxEntryBytes: 1 << 19 };

/** Scans `tar` pushed in chunks of `size` bytes; returns the files with their contents joined. */
function scanInChunks(tar: Uint8Array, size: number) {
  const scanner = new TarScanner(limits);
  const events: TarScanEvent[] = [];
  for (let i = 0; i < tar.length; i += size) events.push(...scanner.push(tar.slice(i, i + size)));
  scanner.end();
  const files: { path: string; mode: number; mtime: number; content: string }[] = [];
  for (const event of events) {
    if (event.kind === 'file') files.push({ path: event.path, mode: event.mode, mtime: event.mtime, content: '' });
    else if (event.kind === 'data') files.at(-1)!.content += Buffer.from(event.bytes).toString('latin1');
  }
  return files;
}

describe('TarScanner', () => {
  it('gives the same files whatever the chunk size', () => {
    const tar = createTar(sample, { mtime: 42 });
    const whole = readTar(tar, limits).map((e) => ({
      path: e.path,
      mode: e.mode,
      mtime: e.mtime,
      content: Buffer.from(e.content).toString('latin1'),
    }));
    expect(whole.map((f) => f.path)).toHaveLength(sample.length);
    for (const size of [1, 7, 511, 512, 513, 4096, tar.length]) expect(scanInChunks(tar, size)).toEqual(whole);
  });

  it('refuses an archive cut anywhere before its end marker', () => {
    const tar = createTar(sample);
    for (const end of [100, 512, 700, 1536, tar.length - 1024]) {
      expect(() => scanInChunks(tar.subarray(0, end), 64)).toThrow(/truncated/);
    }
  });

  it('refuses a file-and-folder clash in either order', () => {
    const a = createTar([{ path: 'a', content: text('1') }]);
    const ab = createTar([{ path: 'a/b', content: text('2') }]);
    const join = (first: Uint8Array, second: Uint8Array) => {
      const out = new Uint8Array(first.length - 1024 + second.length);
      out.set(first.subarray(0, first.length - 1024));
      out.set(second, first.length - 1024);
      return out;
    };
    expect(() => scanInChunks(join(a, ab), 512)).toThrow(/"a" is a file but "a\/b" puts a file inside it/);
    expect(() => scanInChunks(join(ab, a), 512)).toThrow(/"a" is a file but "a\/b" puts a file inside it/);
  });
});

describe('gunzipChunks', () => {
  const collect = async (chunks: AsyncIterable<Uint8Array>) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts);
  };

  it('yields what gunzip returns, a bounded chunk at a time', async () => {
    const gz = gzipSync(createTar(sample));
    let largest = 0;
    const parts: Uint8Array[] = [];
    for await (const chunk of gunzipChunks(gz)) {
      largest = Math.max(largest, chunk.length);
      parts.push(chunk.slice());
    }
    expect(Buffer.concat(parts).equals(Buffer.from(gunzip(gz)))).toBe(true);
    const big = gzipSync(Buffer.alloc(8 << 20));
    for await (const chunk of gunzipChunks(big, 16 << 20)) largest = Math.max(largest, chunk.length);
    expect(largest).toBeLessThanOrEqual(64 * 1024);
  });

  it('refuses a bomb past the cap, corrupt data and non-gzip input', async () => {
    await expect(collect(gunzipChunks(gzipSync(Buffer.alloc(8 << 20)), 1 << 20))).rejects.toMatchObject({
      code: 'E_TAR_TOO_LARGE',
    });
    const gz = gzipSync(createTar(sample));
    await expect(collect(gunzipChunks(gz.subarray(0, gz.length - 9)))).rejects.toMatchObject({ code: 'E_GZIP' });
    await expect(collect(gunzipChunks(text('plain text, not gzip at all')))).rejects.toMatchObject({
      code: 'E_GZIP',
    });
  });
});
