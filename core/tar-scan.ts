// A tar reader that takes its input in chunks and hands back what it found as events, so a caller can hash or write
// a file of any size with a bounded buffer. It refuses anything but plain files with plain relative paths, checks
// every header checksum, and enforces size caps before reading a byte of content.
import { inputError, type QlfError } from './errors.js';
import { checkArchivePath, FolderClashGuard } from './tar-paths.js';

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

/** A regular file's header fields: what a reader needs to place the file and check the archive is canonical. */
export interface TarFileHeader {
  path: string;
  size: number;
  mode: number;
  mtime: number;
}

/** `file` starts a regular file, `data` carries its content (in order, possibly split), `file-end` closes it. */
export type TarScanEvent =
  | ({ kind: 'file' } & TarFileHeader)
  | { kind: 'data'; bytes: Uint8Array }
  | { kind: 'file-end' };

const BLOCK = 512;
/** PAX and GNU long-name records are buffered whole; real ones are a few hundred bytes. */
const MAX_EXTENDED_HEADER = 1024 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: true });

export function tarError(code: string, message: string): QlfError {
  return inputError(code, message, {
    hint: 'The archive is damaged, was tampered with, or was not made by qlf; it was not unpacked.',
  });
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

/** What the bytes being read belong to: a header block, an entry's data (and its padding), or the end marker on. */
type State =
  | { kind: 'header' }
  | {
      kind: 'data';
      /** Byte offset of the entry's header, for messages. */
      at: number;
      /** `file` emits data events; `pax`/`long-name` buffer the record; `skip` drops a folder's data. */
      sink: 'file' | 'pax' | 'long-name' | 'skip';
      remaining: number;
      padding: number;
      parts: Uint8Array[];
    }
  | { kind: 'padding'; remaining: number }
  | { kind: 'done' };

/**
 * Reads an uncompressed tar archive pushed in chunks of any size. Refuses (input error): unsafe paths, links, devices
 * and any other non-regular entry, duplicate paths, a path that is both a file and a folder, sizes over `limits`, bad
 * header checksums, and archives that end early or lack the end-of-archive marker. Directory entries are accepted
 * (their paths checked) and dropped: directories are implied. Bytes after the end marker are ignored.
 */
export class TarScanner {
  private state: State = { kind: 'header' };
  private readonly block = new Uint8Array(BLOCK);
  private blockLength = 0;
  private offset = 0;
  private entries = 0;
  private total = 0;
  private pax: Map<string, string> | undefined;
  private longName: string | undefined;
  private readonly seen = new Set<string>();
  private readonly folders = new FolderClashGuard();

  constructor(private readonly limits: TarLimits = DEFAULT_TAR_LIMITS) {}

  /** Reads `chunk`; the events' `data` views share its memory, so use them before the chunk is reused. */
  push(chunk: Uint8Array): TarScanEvent[] {
    const events: TarScanEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      const state = this.state;
      if (state.kind === 'done') {
        this.offset += chunk.length - i;
        break;
      }
      if (state.kind === 'header') {
        const take = Math.min(BLOCK - this.blockLength, chunk.length - i);
        this.block.set(chunk.subarray(i, i + take), this.blockLength);
        this.blockLength += take;
        i += take;
        this.offset += take;
        if (this.blockLength === BLOCK) {
          this.blockLength = 0;
          this.header(this.block, this.offset - BLOCK, events);
        }
        continue;
      }
      const take = Math.min(state.remaining, chunk.length - i);
      if (state.kind === 'padding') {
        state.remaining -= take;
        if (state.remaining === 0) this.state = { kind: 'header' };
      } else {
        const bytes = chunk.subarray(i, i + take);
        if (state.sink === 'file') events.push({ kind: 'data', bytes });
        else if (state.sink !== 'skip') state.parts.push(bytes.slice());
        state.remaining -= take;
        if (state.remaining === 0) this.endData(state, events);
      }
      i += take;
      this.offset += take;
    }
    return events;
  }

  /** Call after the last chunk: throws when the archive ended before its end-of-archive marker. */
  end(): void {
    const state = this.state;
    if (state.kind === 'done') return;
    if (state.kind === 'data') {
      throw tarError('E_TAR_TRUNCATED', `tar archive is truncated inside the entry at byte ${state.at}`);
    }
    throw tarError('E_TAR_TRUNCATED', `tar archive is truncated at byte ${this.offset} (no end-of-archive marker)`);
  }

  private endData(state: Extract<State, { kind: 'data' }>, events: TarScanEvent[]): void {
    if (state.sink === 'file') events.push({ kind: 'file-end' });
    else if (state.sink === 'pax') this.pax = parsePax(Buffer.concat(state.parts), state.at);
    else if (state.sink === 'long-name') {
      const data = Buffer.concat(state.parts);
      this.longName = field(data, 0, data.length);
    }
    this.state = state.padding > 0 ? { kind: 'padding', remaining: state.padding } : { kind: 'header' };
  }

  private header(block: Uint8Array, at: number, events: TarScanEvent[]): void {
    if (isZeroBlock(block)) {
      if (this.pax || this.longName !== undefined) {
        throw tarError('E_TAR_FORMAT', 'tar archive ends after an extended header');
      }
      this.state = { kind: 'done' };
      return;
    }
    if (!checksumOk(block, at)) throw tarError('E_TAR_CHECKSUM', `tar header at byte ${at} has a bad checksum`);
    const magic = field(block, 257, 6);
    if (magic !== 'ustar' && magic !== 'ustar ')
      throw tarError('E_TAR_FORMAT', `tar header at byte ${at} is not ustar`);
    const type = String.fromCharCode(block[156]!);
    let size = octal(block, 124, 12, 'size', at);
    if (this.pax?.has('size')) size = Number(this.pax.get('size'));
    if (!Number.isSafeInteger(size) || size < 0)
      throw tarError('E_TAR_FORMAT', `tar header at byte ${at} has a bad size`);
    if (size > this.limits.maxEntryBytes) {
      throw tarError(
        'E_TAR_TOO_LARGE',
        `tar entry at byte ${at} declares ${size} bytes, over the limit of ${this.limits.maxEntryBytes}`,
      );
    }
    const data = (sink: 'file' | 'pax' | 'long-name' | 'skip') => {
      const padding = (BLOCK - (size % BLOCK)) % BLOCK;
      const state: State = { kind: 'data', at, sink, remaining: size, padding, parts: [] };
      this.state = state;
      if (size === 0) this.endData(state, events);
    };
    if (type === 'x' || type === 'L') {
      if (size > MAX_EXTENDED_HEADER) {
        throw tarError('E_TAR_TOO_LARGE', `extended tar header at byte ${at} is over ${MAX_EXTENDED_HEADER} bytes`);
      }
      data(type === 'x' ? 'pax' : 'long-name');
      return;
    }
    const prefix = field(block, 345, 155);
    const rawPath =
      this.pax?.get('path') ?? this.longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    this.pax = undefined;
    this.longName = undefined;
    if (type === '5') {
      checkArchivePath(rawPath.replace(/\/+$/, ''));
      data('skip');
      return;
    }
    if (type !== '0' && type !== '\0') {
      const what = TYPE_NAMES[type] ?? `an entry of unknown type ${JSON.stringify(type)}`;
      throw tarError(
        'E_TAR_TYPE',
        `archive entry ${JSON.stringify(rawPath)} is ${what}; only regular files are allowed`,
      );
    }
    const path = checkArchivePath(rawPath);
    if (this.seen.has(path)) throw tarError('E_TAR_DUPLICATE', `archive entry ${JSON.stringify(path)} appears twice`);
    this.seen.add(path);
    this.folders.add(path);
    if (this.entries + 1 > this.limits.maxEntries) {
      throw tarError('E_TAR_TOO_LARGE', `tar archive holds more than ${this.limits.maxEntries} entries`);
    }
    this.entries += 1;
    this.total += size;
    if (this.total > this.limits.maxTotalBytes) {
      throw tarError('E_TAR_TOO_LARGE', `tar archive contents exceed the limit of ${this.limits.maxTotalBytes} bytes`);
    }
    const mode = octal(block, 100, 8, 'mode', at) & 0o7777;
    const mtime = octal(block, 136, 12, 'mtime', at);
    events.push({ kind: 'file', path, size, mode, mtime });
    data('file');
  }
}
