// The safe half of core/tar.ts: gunzip with an output cap and a tar reader that refuses anything but plain files
// with plain relative paths, checks every header checksum, and enforces size caps before reading a byte of content.
import { gunzipSync } from 'node:zlib';
import { inputError, type QlfError } from './errors.js';

/** Caps that keep a hostile archive from exhausting memory (a "tar bomb"). */
export interface TarLimits {
  maxEntries: number;
  /** Sum of all entry sizes, and the cap on gunzip output. */
  maxTotalBytes: number;
  maxEntryBytes: number;
}

export const DEFAULT_TAR_LIMITS: Readonly<TarLimits> = Object.freeze({
  maxEntries: 10_000,
  maxTotalBytes: 512 * 1024 * 1024,
  maxEntryBytes: 256 * 1024 * 1024,
});

/** A regular file read from an archive, with the header fields needed to check that the archive is canonical. */
export interface ReadTarEntry {
  path: string;
  content: Uint8Array;
  mode: number;
  mtime: number;
}

const BLOCK = 512;
const decoder = new TextDecoder('utf-8', { fatal: true });

function tarError(code: string, message: string): QlfError {
  return inputError(code, message, {
    hint: 'The archive is damaged, was tampered with, or was not made by qlf; it was not unpacked.',
  });
}

/**
 * Checks that `path` is a plain relative POSIX path and returns it without a leading `./`.
 * Refuses absolute paths, drive letters, backslashes, NUL, empty and `.`/`..` segments.
 */
export function checkArchivePath(path: string): string {
  const fail = (why: string) =>
    inputError('E_TAR_PATH', `archive entry ${JSON.stringify(path)} ${why}`, {
      hint: 'Archive entries must be plain relative paths inside the archive; the archive may have been tampered with.',
    });
  const trimmed = path.startsWith('./') ? path.slice(2) : path;
  if (trimmed === '') throw fail('has an empty path');
  if (trimmed.includes('\0')) throw fail('contains a NUL byte');
  if (trimmed.startsWith('/') || /^[A-Za-z]:/.test(trimmed)) throw fail('is an absolute path');
  if (trimmed.includes('\\')) throw fail('contains a backslash');
  for (const segment of trimmed.split('/')) {
    if (segment === '..') throw fail('has a ".." segment that would escape the extraction folder');
    if (segment === '' || segment === '.') throw fail('has an empty or "." segment');
  }
  return trimmed;
}

/** Refuses a path that is both a file and a folder of another entry (`a` and `a/b`): it cannot be extracted. */
export function checkNoFileFolderClash(paths: readonly string[]): void {
  const files = new Set(paths);
  for (const path of paths) {
    let slash = path.indexOf('/');
    while (slash !== -1) {
      const folder = path.slice(0, slash);
      if (files.has(folder)) {
        throw inputError(
          'E_TAR_PATH',
          `archive entry ${JSON.stringify(folder)} is a file but ${JSON.stringify(path)} puts a file inside it`,
          {
            hint: 'A path cannot be both a file and a folder; rename one of the two.',
          },
        );
      }
      slash = path.indexOf('/', slash + 1);
    }
  }
}

/** gunzip that stops as soon as the output would exceed `maxBytes` (a gzip bomb is refused, not inflated). */
export function gunzip(bytes: Uint8Array, maxBytes: number = DEFAULT_TAR_LIMITS.maxTotalBytes): Uint8Array {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw tarError('E_GZIP', 'not a gzip file (missing the 1f 8b magic bytes, or too short)');
  }
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw tarError('E_TAR_TOO_LARGE', `gzip data expands past the limit of ${maxBytes} bytes (decompression bomb?)`);
    }
    throw tarError('E_GZIP', `gzip data is corrupt or truncated: ${err.message}`);
  }
}

function field(block: Uint8Array, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  try {
    return decoder.decode(end === -1 ? slice : slice.subarray(0, end));
  } catch {
    throw tarError('E_TAR_FORMAT', `tar header field at offset ${offset} is not valid UTF-8`);
  }
}

function octal(block: Uint8Array, offset: number, length: number, what: string, at: number): number {
  if ((block[offset]! & 0x80) !== 0) {
    throw tarError('E_TAR_TOO_LARGE', `tar header at byte ${at} stores its ${what} in base-256 form (over 8 GiB)`);
  }
  const text = field(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw tarError('E_TAR_FORMAT', `tar header at byte ${at} has a bad ${what} "${text}"`);
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function isZeroBlock(block: Uint8Array): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

function checksumOk(block: Uint8Array, at: number): boolean {
  const stored = octal(block, 148, 8, 'checksum', at);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === stored;
}

/** Parses PAX records (`<len> key=value\n`); only `path` and `size` matter to us. */
function parsePax(data: Uint8Array, at: number): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = space === -1 ? Number.NaN : Number(decoder.decode(data.subarray(offset, space)));
    if (
      !Number.isInteger(length) ||
      length <= 0 ||
      offset + length > data.length ||
      data[offset + length - 1] !== 0x0a
    ) {
      throw tarError('E_TAR_FORMAT', `malformed PAX header record at byte ${at}`);
    }
    const record = decoder.decode(data.subarray(space + 1, offset + length - 1));
    const equals = record.indexOf('=');
    if (equals <= 0) throw tarError('E_TAR_FORMAT', `malformed PAX header record at byte ${at}`);
    records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  '7': 'a contiguous file',
  g: 'a global PAX header',
};

/**
 * Reads an uncompressed tar archive into memory. Refuses (input error): unsafe paths, links, devices and any other
 * non-regular entry, duplicate paths, sizes over `limits`, bad header checksums, and archives that end early or lack
 * the end-of-archive marker. Directory entries are accepted (their paths checked) and dropped: directories are implied.
 */
export function readTar(bytes: Uint8Array, limits: TarLimits = DEFAULT_TAR_LIMITS): ReadTarEntry[] {
  const entries: ReadTarEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let offset = 0;
  let pending: Map<string, string> | undefined;
  let longName: string | undefined;
  for (;;) {
    if (offset + BLOCK > bytes.length) {
      throw tarError('E_TAR_TRUNCATED', `tar archive is truncated at byte ${bytes.length} (no end-of-archive marker)`);
    }
    const block = bytes.subarray(offset, offset + BLOCK);
    if (isZeroBlock(block)) {
      if (pending || longName !== undefined)
        throw tarError('E_TAR_FORMAT', 'tar archive ends after an extended header');
      break;
    }
    const at = offset;
    if (!checksumOk(block, at)) throw tarError('E_TAR_CHECKSUM', `tar header at byte ${at} has a bad checksum`);
    const magic = field(block, 257, 6);
    if (magic !== 'ustar' && magic !== 'ustar ')
      throw tarError('E_TAR_FORMAT', `tar header at byte ${at} is not ustar`);
    const type = String.fromCharCode(block[156]!);
    let size = octal(block, 124, 12, 'size', at);
    if (pending?.has('size')) size = Number(pending.get('size'));
    if (!Number.isSafeInteger(size) || size < 0)
      throw tarError('E_TAR_FORMAT', `tar header at byte ${at} has a bad size`);
    if (size > limits.maxEntryBytes) {
      throw tarError(
        'E_TAR_TOO_LARGE',
        `tar entry at byte ${at} declares ${size} bytes, over the limit of ${limits.maxEntryBytes}`,
      );
    }
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > bytes.length)
      throw tarError('E_TAR_TRUNCATED', `tar archive is truncated inside the entry at byte ${at}`);
    const data = bytes.subarray(dataStart, dataEnd);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pending = parsePax(data, at);
      continue;
    }
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    const prefix = field(block, 345, 155);
    const rawPath =
      pending?.get('path') ?? longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    pending = undefined;
    longName = undefined;
    if (type === '5') {
      checkArchivePath(rawPath.replace(/\/+$/, ''));
      continue;
    }
    if (type !== '0' && type !== '\0') {
      const what = TYPE_NAMES[type] ?? `an entry of unknown type ${JSON.stringify(type)}`;
      throw tarError(
        'E_TAR_TYPE',
        `archive entry ${JSON.stringify(rawPath)} is ${what}; only regular files are allowed`,
      );
    }
    const path = checkArchivePath(rawPath);
    if (seen.has(path)) throw tarError('E_TAR_DUPLICATE', `archive entry ${JSON.stringify(path)} appears twice`);
    seen.add(path);
    if (entries.length + 1 > limits.maxEntries) {
      throw tarError('E_TAR_TOO_LARGE', `tar archive holds more than ${limits.maxEntries} entries`);
    }
    total += size;
    if (total > limits.maxTotalBytes) {
      throw tarError('E_TAR_TOO_LARGE', `tar archive contents exceed the limit of ${limits.maxTotalBytes} bytes`);
    }
    entries.push({
      path,
      content: data.slice(),
      mode: octal(block, 100, 8, 'mode', at) & 0o7777,
      mtime: octal(block, 136, 12, 'mtime', at),
    });
  }
  checkNoFileFolderClash(entries.map((e) => e.path));
  return entries;
}

/** gunzip (capped at `limits.maxTotalBytes` plus tar overhead) then {@link readTar}. */
export function readTarGz(bytes: Uint8Array, limits: TarLimits = DEFAULT_TAR_LIMITS): ReadTarEntry[] {
  // Headers and padding cost at most two blocks per entry, plus the end marker.
  const overhead = (limits.maxEntries * 2 + 2) * BLOCK;
  return readTar(gunzip(bytes, limits.maxTotalBytes + overhead), limits);
}
