// Reads the tar archive behind a capsule's seal in one pass with a bounded buffer: a digest, size, mode and mtime per
// file, the manifest and provenance whole, and whether the archive is byte for byte what the packager writes.
import { createHash } from 'node:crypto';
import { inputError } from '../../../core/errors.js';
import {
  gunzip,
  gunzipChunks,
  TAR_END_LENGTH,
  type TarFileHeader,
  type TarLimits,
  type TarScanEvent,
  TarScanner,
  tarBytesCap,
  tarEntryHeader,
  tarPadding,
} from '../../../core/tar.js';
import { CAPSULE_MANIFEST_PATH, CAPSULE_PROVENANCE_PATH } from '../../../schemas/capsule-manifest.js';

/** Caps for reading capsules: generous for a service's sources, small enough to refuse a bomb quickly. */
export const CAPSULE_LIMITS: TarLimits = {
  maxEntries: 20_000,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntryBytes: 64 * 1024 * 1024,
};

/** The files kept whole for verification; a manifest pinning 20,000 files is a few MB. */
const METADATA_PATHS = new Set([CAPSULE_MANIFEST_PATH, CAPSULE_PROVENANCE_PATH]);
const MAX_METADATA_BYTES = 32 * 1024 * 1024;

/** One file as the archive holds it: what its tar header says, and the sha256 (hex) of its content. */
export interface ArchivedFile extends TarFileHeader {
  sha256: string;
}

export interface CapsuleArchive {
  /** In archive order (sorted by path). */
  files: ArchivedFile[];
  /** `manifest.json` and the provenance envelope, when present. */
  metadata: Map<string, Uint8Array>;
}

/** Sees the archive as it streams by: every inflated chunk, then the scanner's events for it (awaited, in order). */
export interface ArchiveVisitor {
  chunk?(bytes: Uint8Array): void;
  event(event: TarScanEvent): void | Promise<void>;
}

function archiveError(message: string) {
  return inputError('E_CAPSULE_ARCHIVE', message, {
    hint: 'The capsule was not written by qlf or was changed after it was written; obtain a fresh copy.',
  });
}

/**
 * Digests every file and checks that the archive is canonical: hashes the bytes as they arrive and, beside them, the
 * bytes createTar would write for the same files (sorted paths, one mtime, modes 0644/0755, zero padding, nothing
 * after the end marker). Any other byte anywhere (a header field, padding, an extra block) makes the hashes differ.
 */
class ArchiveDigest implements ArchiveVisitor {
  readonly files: ArchivedFile[] = [];
  readonly metadata = new Map<string, Uint8Array>();
  private readonly actual = createHash('sha256');
  private readonly expected = createHash('sha256');
  private current?: { header: TarFileHeader; hash: ReturnType<typeof createHash>; kept?: Uint8Array[] };
  private keptBytes = 0;
  private mtime?: number;

  chunk(bytes: Uint8Array): void {
    this.actual.update(bytes);
  }

  event(event: TarScanEvent): void {
    if (event.kind === 'file') {
      const { kind: _kind, ...header } = event;
      const previous = this.files.at(-1)?.path;
      if (previous !== undefined && !(previous < header.path)) {
        throw archiveError(`the tar archive is not in canonical form (${header.path} comes after ${previous})`);
      }
      this.mtime ??= header.mtime;
      for (const block of tarEntryHeader(header.path, header.size, header.mode, this.mtime, this.files.length)) {
        this.expected.update(block);
      }
      const kept = METADATA_PATHS.has(header.path) ? [] : undefined;
      this.current = { header, hash: createHash('sha256'), kept };
      return;
    }
    const current = this.current!;
    if (event.kind === 'data') {
      this.expected.update(event.bytes);
      current.hash.update(event.bytes);
      if (current.kept) {
        this.keptBytes += event.bytes.length;
        if (this.keptBytes > MAX_METADATA_BYTES) {
          throw archiveError(`${current.header.path} is larger than ${MAX_METADATA_BYTES} bytes`);
        }
        current.kept.push(event.bytes.slice());
      }
      return;
    }
    this.expected.update(tarPadding(current.header.size));
    this.files.push({ ...current.header, sha256: current.hash.digest('hex') });
    if (current.kept) this.metadata.set(current.header.path, Buffer.concat(current.kept));
    this.current = undefined;
  }

  finish(): CapsuleArchive {
    this.expected.update(new Uint8Array(TAR_END_LENGTH));
    if (!this.actual.digest().equals(this.expected.digest())) {
      throw archiveError(
        'the tar archive is not in canonical form (extra bytes, padding or header fields were changed)',
      );
    }
    return { files: this.files, metadata: this.metadata };
  }
}

/** Reads the archive from memory: for small capsules and synchronous callers. Throws a QlfError naming the problem. */
export function readCapsuleArchive(capsule: Uint8Array, limits: TarLimits = CAPSULE_LIMITS): CapsuleArchive {
  const tar = gunzip(capsule, tarBytesCap(limits));
  const scanner = new TarScanner(limits);
  const digest = new ArchiveDigest();
  digest.chunk(tar);
  for (const event of scanner.push(tar)) digest.event(event);
  scanner.end();
  return digest.finish();
}

/** Streams the archive (gunzip, then the safe scanner) through `visitor`, a chunk at a time. */
export async function streamCapsuleArchive(
  capsule: Uint8Array,
  visitor: ArchiveVisitor,
  limits: TarLimits = CAPSULE_LIMITS,
): Promise<void> {
  const scanner = new TarScanner(limits);
  for await (const chunk of gunzipChunks(capsule, tarBytesCap(limits))) {
    visitor.chunk?.(chunk);
    for (const event of scanner.push(chunk)) await visitor.event(event);
  }
  scanner.end();
}

/** {@link readCapsuleArchive} with memory bounded whatever the archive expands to. */
export async function scanCapsuleArchive(
  capsule: Uint8Array,
  limits: TarLimits = CAPSULE_LIMITS,
): Promise<CapsuleArchive> {
  const digest = new ArchiveDigest();
  await streamCapsuleArchive(capsule, digest, limits);
  return digest.finish();
}
