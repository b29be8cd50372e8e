import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createTar, gunzip, gzipDeterministic, readTar, readTarGz, sourceDateEpoch, type TarEntry } from './tar.js';

const text = (value: string) => new TextEncoder().encode(value);
const longPath = `${'deep/'.repeat(30)}file.txt`;
const sample: TarEntry[] = [
  { path: 'b.txt', content: text('bee\n') },
  { path: 'a/run.sh', content: text('#!/bin/sh\necho hi\n'), mode: 0o775 },
  { path: longPath, content: text('long\n') },
  { path: 'ünïcode.md', content: text('u\n') },
  { path: 'empty', content: new Uint8Array(0) },
];
const limits = { maxEntries: 100, maxTotalBytes: 1 << 20, maxEntryBytes: 1 << 19 };

/** Writes a raw ustar header (for hostile archives createTar refuses to make). */
function rawHeader(name: string, size: number, type = '0', linkname = ''): Uint8Array {
  const block = new Uint8Array(512);
  const put = (offset: number, value: string) => block.set(text(value), offset);
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${size.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  block.fill(0x20, 148, 156);
  put(156, type);
  put(157, linkname);
  put(257, 'ustar\0');
  put(263, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function archive(...blocks: Uint8Array[]): Uint8Array {
  const parts = [...blocks, new Uint8Array(1024)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('createTar', () => {
  it('is reproducible and independent of input order', () => {
    const one = createTar(sample);
    const two = createTar([...sample].reverse());
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(true);
    expect(one.length % 512).toBe(0);
  });

  it('round-trips through readTar with sorted paths, normalised modes and long/unicode names', () => {
    const entries = readTar(createTar(sample, { mtime: 1_700_000_000 }), limits);
    expect(entries.map((e) => e.path)).toEqual([
      'a/run.sh',
      'b.txt',
      'deep/'.repeat(30) + 'file.txt',
      'empty',
      'ünïcode.md',
    ]);
    expect(entries.find((e) => e.path === 'a/run.sh')?.mode).toBe(0o755);
    expect(entries.find((e) => e.path === 'b.txt')?.mode).toBe(0o644);
    expect(new Set(entries.map((e) => e.mtime))).toEqual(new Set([1_700_000_000]));
    expect(new TextDecoder().decode(entries.find((e) => e.path === longPath)?.content)).toBe('long\n');
  });

  it('is read by GNU tar with the same names, modes and contents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlf-tar-'));
    try {
      writeFileSync(join(dir, 'x.tar'), createTar(sample));
      const listing = execFileSync('tar', ['-tvf', join(dir, 'x.tar')], { encoding: 'utf8' });
      expect(listing).toContain(' 0/0 ');
      expect(listing).toContain('1970-01-01 00:00 a/run.sh');
      expect(listing).not.toContain('PaxHeaders');
      execFileSync('tar', ['-xf', join(dir, 'x.tar'), '-C', dir]);
      expect(readFileSync(join(dir, longPath), 'utf8')).toBe('long\n');
      expect(statSync(join(dir, 'a/run.sh')).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(dir, 'ünïcode.md'), 'utf8')).toBe('u\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['/etc/passwd', '../x', 'a/../../x', 'a//b', 'C:/x', 'a\\b', ''])('refuses to write the path %j', (path) => {
    expect(() => createTar([{ path, content: text('x') }])).toThrow(/archive entry/);
  });

  it('refuses a path that is both a file and a folder', () => {
    expect(() =>
      createTar([
        { path: 'a', content: text('1') },
        { path: 'a/b', content: text('2') },
      ]),
    ).toThrow(/is a file but "a\/b" puts a file inside it/);
  });

  it('refuses duplicate paths', () => {
    expect(() =>
      createTar([
        { path: 'a', content: text('1') },
        { path: './a', content: text('2') },
      ]),
    ).toThrow(/twice/);
  });
});

describe('gzipDeterministic', () => {
  it('writes a fixed header (mtime 0, OS 255) and the same bytes every time', () => {
    const tar = createTar(sample);
    const one = gzipDeterministic(tar);
    expect([...one.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    expect(Buffer.from(gzipDeterministic(tar)).equals(Buffer.from(one))).toBe(true);
    expect(Buffer.from(gunzip(one)).equals(Buffer.from(tar))).toBe(true);
  });

  it('refuses a gzip bomb without inflating it past the cap', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(() => gunzip(bomb, 1024 * 1024)).toThrow(/expands past the limit/);
  });

  it('refuses truncated and non-gzip input', () => {
    const gz = gzipDeterministic(createTar(sample));
    expect(() => gunzip(gz.subarray(0, gz.length - 9))).toThrow(/corrupt or truncated/);
    expect(() => gunzip(text('plain text, not gzip at all'))).toThrow(/not a gzip file/);
  });
});

describe('readTar refuses hostile archives', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['a parent-directory path', archive(rawHeader('../evil', 0)), /"\.\." segment/],
    ['a nested escape', archive(rawHeader('ok/../../evil', 0)), /"\.\." segment/],
    ['an absolute path', archive(rawHeader('/etc/cron.d/x', 0)), /absolute path/],
    ['a symlink', archive(rawHeader('link', 0, '2', '/etc/passwd')), /symbolic link/],
    ['a hard link', archive(rawHeader('link', 0, '1', '../../x')), /hard link/],
    ['a device', archive(rawHeader('dev', 0, '3')), /character device/],
    ['a file-and-folder clash', archive(rawHeader('a', 0), rawHeader('a/b', 0)), /is a file but/],
    ['a duplicate path', archive(rawHeader('a', 0), rawHeader('./a', 0)), /appears twice/],
    ['a huge declared size', archive(rawHeader('big', 0o77777777777)), /over the limit/],
  ];
  it.each(cases)('%s', (_name, bytes, message) => {
    expect(() => readTar(bytes, limits)).toThrow(message);
  });

  it('refuses too many entries and too many bytes in total', () => {
    const many = createTar(Array.from({ length: 5 }, (_, i) => ({ path: `f${i}`, content: text('x'.repeat(100)) })));
    expect(() => readTar(many, { ...limits, maxEntries: 4 })).toThrow(/more than 4 entries/);
    expect(() => readTar(many, { ...limits, maxTotalBytes: 450 })).toThrow(/exceed the limit of 450/);
  });

  it('refuses bad checksums, truncation and a missing end marker', () => {
    const tar = createTar(sample);
    const flipped = tar.slice();
    flipped[10] = flipped[10]! ^ 0x01;
    expect(() => readTar(flipped, limits)).toThrow(/bad checksum/);
    expect(() => readTar(tar.subarray(0, 700), limits)).toThrow(/truncated/);
    expect(() => readTar(tar.subarray(0, tar.length - 1024), limits)).toThrow(/no end-of-archive marker/);
  });

  it('caps gunzip output in readTarGz', () => {
    const big = gzipDeterministic(createTar([{ path: 'zeros', content: new Uint8Array(4 << 20) }]));
    expect(() => readTarGz(big, { maxEntries: 1, maxTotalBytes: 1 << 20, maxEntryBytes: 1 << 20 })).toThrow(
      /expands past the limit/,
    );
  });
});

describe('sourceDateEpoch', () => {
  it('reads SOURCE_DATE_EPOCH, defaults to 0 and refuses junk', () => {
    expect(sourceDateEpoch({})).toBe(0);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1_700_000_000);
    expect(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(/not a whole number/);
  });
});
