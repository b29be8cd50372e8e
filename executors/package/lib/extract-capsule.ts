// Unpacks a capsule into a folder. By default the capsule is verified first (integrity against the manifest, and the
// signature when a key is given) and nothing is written unless it passes. The archive is then streamed through the
// safe scanner (no links, no escaping paths, size caps) into a hidden sibling that is renamed into place, so memory
// stays bounded and a failure leaves nothing half-written.
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inputError, isQlfError, workError } from '../../../core/errors.js';
import { resolveInside } from '../../../core/safe-path.js';
import type { TarLimits, TarScanEvent } from '../../../core/tar.js';
import { CAPSULE_LIMITS, streamCapsuleArchive } from './capsule-archive.js';
import { planExtractTarget, stageExtractTarget } from './extract-target.js';
import { checkSeal } from './sealed-gzip.js';
import { type CapsuleVerification, type PublicKeyInfo, verifyCapsuleStreaming } from './verify-capsule.js';

export interface ExtractOptions {
  /** Verify the capsule before writing anything; `false` keeps only the seal and the archive's safety checks. @default true */
  verify?: boolean;
  /** Public key the capsule's provenance must be signed with; without it the signature is not checked. */
  publicKey?: PublicKeyInfo;
  /** @default CAPSULE_LIMITS */
  limits?: TarLimits;
}

export interface ExtractResult {
  /** Number of files written. */
  files: number;
  /** The verification that passed before writing; absent with `verify: false`. */
  verification?: CapsuleVerification;
}

function verificationError(verification: CapsuleVerification) {
  const failed = verification.checks.find((c) => c.status === 'failed');
  return inputError('E_CAPSULE_VERIFY', `the capsule failed verification (${failed?.name}: ${failed?.detail})`, {
    hint: 'Nothing was extracted. Obtain a fresh copy of the capsule (`qlf capsule verify` shows every check), or pass --no-verify to unpack it anyway.',
  });
}

/** Writes each file the scanner reports under `root`, a chunk at a time. */
class FolderWriter {
  files = 0;
  private handle?: FileHandle;
  private path?: string;

  constructor(private readonly root: string) {}

  async event(event: TarScanEvent): Promise<void> {
    if (event.kind === 'file') {
      const target = resolveInside(this.root, event.path);
      this.path = target;
      await mkdir(dirname(target), { recursive: true });
      this.handle = await open(target, 'wx', event.mode & 0o111 ? 0o755 : 0o644);
      this.files += 1;
    } else if (event.kind === 'data') {
      for (let offset = 0; offset < event.bytes.length; ) {
        offset += (await this.handle!.write(event.bytes, offset)).bytesWritten;
      }
    } else {
      await this.close();
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  failure(error: unknown) {
    if (isQlfError(error)) return error;
    const code = (error as NodeJS.ErrnoException).code;
    return workError('E_EXTRACT_WRITE', `writing ${this.path ?? 'the extracted files'} failed (${code ?? error})`, {
      hint: 'Check that the target file system has space and is writable, then extract again.',
    });
  }
}

/** Extracts `capsule` into `dir`, which must not exist or be empty (its missing parent folders are created). */
export async function extractCapsule(
  capsule: Uint8Array,
  dir: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const limits = options.limits ?? CAPSULE_LIMITS;
  const target = await planExtractTarget(dir);
  let verification: CapsuleVerification | undefined;
  if (options.verify === false) checkSeal(capsule);
  else {
    verification = await verifyCapsuleStreaming(capsule, { publicKey: options.publicKey, limits });
    if (!verification.ok) throw verificationError(verification);
  }
  const staged = await stageExtractTarget(target);
  const writer = new FolderWriter(staged.temp);
  try {
    await streamCapsuleArchive(capsule, writer, limits);
  } catch (error) {
    await writer.close().catch(() => undefined);
    await staged.abort();
    throw writer.failure(error);
  }
  await staged.commit();
  return { files: writer.files, verification };
}
