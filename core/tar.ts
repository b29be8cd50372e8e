// Reproducible tar archives and a safe tar reader: same entries → same bytes; hostile archives are refused, not unpacked.
// Used by the package stage (capsules) and the build stage (build contexts).
import { gzipSync } from 'node:zlib';
import { inputError } from './errors.js';
import { checkArchivePath, checkNoFileFolderClash } from './tar-paths.js';

/** One regular file in an archive. Directories are implied by paths and never stored. */
export interface TarEntry {
  /** POSIX path relative to the archive root, without `.` or `..` segments. */
  path: string;
  content: Uint8Array;
  /** Unix mode; anything with an execute bit becomes 0o755, everything else 0o644. @default 0o644 */
  mode?: number;
}

export interface CreateTarOptions {
  /** Modification time of every entry, in seconds since the epoch (e.g. SOURCE_DATE_EPOCH). @default 0 */
  mtime?: number;
}

const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777;
const encoder = new TextEncoder();

/** The mode an entry is stored with: 0o755 when any execute bit is set, else 0o644. */
export function normalizeMode(mode: number | undefined): number {
  return mode !== undefined && (mode & 0o111) !== 0 ? 0o755 : 0o644;
}

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new RangeError(`tar field overflow: ${value}`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function header(name: string, size: number, mode: number, mtime: number, type: string): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtime);
  block.fill(0x20, 148, 156);
  writeString(block, 156, 1, type);
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function paxRecord(key: string, value: string): Uint8Array {
  // The length prefix counts itself, so grow it until it is stable.
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return encoder.encode(`${length}${body}`);
}

function padded(content: Uint8Array): Uint8Array[] {
  const rest = content.length % BLOCK;
  return rest === 0 ? [content] : [content, new Uint8Array(BLOCK - rest)];
}

/**
 * The blocks {@link createTar} writes before the content of the `index`-th entry (counting in sorted order): a PAX
 * `path` record when the path is longer than 100 bytes or not ASCII, then the ustar header. Exported so that a reader
 * can check, as an archive streams by, that it is exactly what createTar would write.
 */
export function tarEntryHeader(
  path: string,
  size: number,
  mode: number | undefined,
  mtime: number,
  index: number,
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let name = path;
  if (encoder.encode(path).length > 100 || /[^\x20-\x7e]/.test(path)) {
    const record = paxRecord('path', path);
    parts.push(header(`PaxHeaders/${index}`, record.length, 0o644, mtime, 'x'), ...padded(record));
    name = `qlf-long-name-${index}`;
  }
  parts.push(header(name, size, normalizeMode(mode), mtime, '0'));
  return parts;
}

/** The zero bytes that pad `size` bytes of content to a whole block. */
export function tarPadding(size: number): Uint8Array {
  const rest = size % BLOCK;
  return new Uint8Array(rest === 0 ? 0 : BLOCK - rest);
}

/** Length of the end-of-archive marker (two zero blocks) that closes every archive createTar writes. */
export const TAR_END_LENGTH = BLOCK * 2;

/**
 * Builds a POSIX ustar archive: entries sorted by path, uid/gid 0, empty owner names, a fixed mtime, modes 0644/0755,
 * regular files only. Paths longer than 100 bytes or not ASCII get a PAX `path` record. Duplicate paths are an error.
 */
export function createTar(entries: readonly TarEntry[], options: CreateTarOptions = {}): Uint8Array {
  const mtime = options.mtime ?? 0;
  if (!Number.isInteger(mtime) || mtime < 0 || mtime > MAX_OCTAL_SIZE) throw new RangeError(`bad tar mtime ${mtime}`);
  const sorted = entries
    .map((entry) => ({ ...entry, path: checkArchivePath(entry.path) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  checkNoFileFolderClash(sorted.map((e) => e.path));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.path === entry.path) {
      throw inputError('E_TAR_DUPLICATE', `archive entry ${JSON.stringify(entry.path)} is given twice`);
    }
    if (entry.content.length > MAX_OCTAL_SIZE) throw new RangeError(`tar entry ${entry.path} is too large`);
    parts.push(...tarEntryHeader(entry.path, entry.content.length, entry.mode, mtime, i), ...padded(entry.content));
  }
  parts.push(new Uint8Array(TAR_END_LENGTH));
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The reproducible-builds timestamp: `SOURCE_DATE_EPOCH` (whole seconds) when set and valid, else 0 (1970-01-01).
 * A malformed value is an input error rather than silently ignored.
 */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,11}$/.test(raw) || Number(raw) > MAX_OCTAL_SIZE) {
    throw inputError(
      'E_SOURCE_DATE_EPOCH',
      `SOURCE_DATE_EPOCH=${JSON.stringify(raw)} is not a whole number of seconds`,
      {
        hint: 'Set SOURCE_DATE_EPOCH to a Unix time in seconds (e.g. `git log -1 --format=%ct`), or unset it.',
      },
    );
  }
  return Number(raw);
}

/** OS byte written into every gzip header (255 = "unknown"), so the bytes do not depend on the platform. */
export const GZIP_OS_UNKNOWN = 255;

/**
 * gzip with a header that never varies: MTIME 0, no file name, XFL 0, OS 255. Compression level 9; the output is
 * identical for identical input under the same zlib (Node pins its zlib per release).
 */
export function gzipDeterministic(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(gzipSync(bytes, { level: 9 }));
  // Node already writes MTIME 0 and no name; pin the remaining platform-dependent header bytes.
  out.fill(0, 4, 8);
  out[8] = 0;
  out[9] = GZIP_OS_UNKNOWN;
  return out;
}

export { checkArchivePath, checkNoFileFolderClash } from './tar-paths.js';
export type { ReadTarEntry } from './tar-read.js';
export { gunzip, gunzipChunks, readTar, readTarGz, tarBytesCap } from './tar-read.js';
export type { TarFileHeader, TarLimits, TarScanEvent } from './tar-scan.js';
export { DEFAULT_TAR_LIMITS, TarScanner } from './tar-scan.js';
