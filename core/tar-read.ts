// The safe half of core/tar.ts: gunzip with an output cap (whole or streamed) and a tar reader, built on the
// scanner, that refuses anything but plain files with plain relative paths.
import { createGunzip, gunzipSync } from 'node:zlib';
import { isQlfError } from './errors.js';
import { DEFAULT_TAR_LIMITS, type TarLimits, TarScanner, tarError } from './tar-scan.js';

/** A regular file read from an archive, with the header fields needed to check that the archive is canonical. */
export interface ReadTarEntry {
  path: string;
  content: Uint8Array;
  mode: number;
  mtime: number;
}

const BLOCK = 512;

function checkGzipMagic(bytes: Uint8Array): void {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw tarError('E_GZIP', 'not a gzip file (missing the 1f 8b magic bytes, or too short)');
  }
}

const tooLarge = (maxBytes: number) =>
  tarError('E_TAR_TOO_LARGE', `gzip data expands past the limit of ${maxBytes} bytes (decompression bomb?)`);

/** gunzip that stops as soon as the output would exceed `maxBytes` (a gzip bomb is refused, not inflated). */
export function gunzip(bytes: Uint8Array, maxBytes: number = DEFAULT_TAR_LIMITS.maxTotalBytes): Uint8Array {
  checkGzipMagic(bytes);
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge(maxBytes);
    throw tarError('E_GZIP', `gzip data is corrupt or truncated: ${err.message}`);
  }
}

/**
 * {@link gunzip} as a stream: yields the inflated bytes a chunk at a time (zlib's 16 KiB), so memory stays bounded
 * whatever the archive expands to, and fails as soon as more than `maxBytes` came out.
 */
export async function* gunzipChunks(
  bytes: Uint8Array,
  maxBytes: number = DEFAULT_TAR_LIMITS.maxTotalBytes,
): AsyncGenerator<Uint8Array> {
  checkGzipMagic(bytes);
  const inflate = createGunzip();
  inflate.end(bytes);
  let total = 0;
  try {
    const chunks = inflate[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        if (isQlfError(error)) throw error;
        throw tarError('E_GZIP', `gzip data is corrupt or truncated: ${(error as Error).message}`);
      }
      if (next.done) return;
      total += next.value.length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      yield new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.length);
    }
  } finally {
    inflate.destroy();
  }
}

/**
 * Reads an uncompressed tar archive into memory, with the checks of {@link TarScanner}: unsafe paths, links, devices,
 * duplicates, oversized or truncated archives and bad checksums are refused (input error).
 */
export function readTar(bytes: Uint8Array, limits: TarLimits = DEFAULT_TAR_LIMITS): ReadTarEntry[] {
  const scanner = new TarScanner(limits);
  const events = scanner.push(bytes);
  scanner.end();
  const entries: ReadTarEntry[] = [];
  let parts: Uint8Array[] = [];
  for (const event of events) {
    if (event.kind === 'file') {
      entries.push({ path: event.path, content: new Uint8Array(0), mode: event.mode, mtime: event.mtime });
      parts = [];
    } else if (event.kind === 'data') parts.push(event.bytes);
    else entries[entries.length - 1]!.content = joined(parts);
  }
  return entries;
}

/** One copy of `parts`, owning its memory (the parts are views into the archive). */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** gunzip (capped at `limits.maxTotalBytes` plus tar overhead) then {@link readTar}. */
export function readTarGz(bytes: Uint8Array, limits: TarLimits = DEFAULT_TAR_LIMITS): ReadTarEntry[] {
  return readTar(gunzip(bytes, tarBytesCap(limits)), limits);
}

/** The most bytes an archive within `limits` can take: contents, plus two blocks per entry and the end marker. */
export function tarBytesCap(limits: TarLimits): number {
  return limits.maxTotalBytes + (limits.maxEntries * 2 + 2) * BLOCK;
}
