// The capsule's outer layer: a gzip member whose header carries (in an RFC 1952 FEXTRA subfield "QS") the sha256 of
// every byte after the header. gzip ignores several header bytes and the padding bits after the final deflate block,
// so without the seal some byte edits would change nothing that verification can see. The seal is not a signature
// (anyone can recompute it); it makes the encoding canonical, while the signed manifest protects the contents.
import { createHash } from 'node:crypto';
import { inputError } from '../../../core/errors.js';
import { GZIP_OS_UNKNOWN, gzipDeterministic } from '../../../core/tar.js';

const FEXTRA = 0x04;
const SUBFIELD_ID = [0x51, 0x53]; // "QS": qlf seal
const SEAL_LENGTH = 32;
/** 10 fixed header bytes + XLEN (2) + subfield id (2) + subfield length (2) + digest. */
export const SEALED_HEADER_LENGTH = 10 + 2 + 4 + SEAL_LENGTH;

function sealError(message: string) {
  return inputError('E_CAPSULE_SEAL', message, {
    hint: 'The capsule file was modified or damaged after it was written; obtain a fresh copy.',
  });
}

/** Deterministic gzip of `bytes` with the seal in its header. */
export function sealedGzip(bytes: Uint8Array): Uint8Array {
  const plain = gzipDeterministic(bytes);
  const body = plain.subarray(10);
  const digest = createHash('sha256').update(body).digest();
  const out = new Uint8Array(SEALED_HEADER_LENGTH + body.length);
  out.set(plain.subarray(0, 10), 0);
  out[3] = FEXTRA;
  out.set([4 + SEAL_LENGTH, 0, ...SUBFIELD_ID, SEAL_LENGTH, 0], 10);
  out.set(digest, 16);
  out.set(body, SEALED_HEADER_LENGTH);
  return out;
}

/** Checks the header is exactly the one {@link sealedGzip} writes and that the seal matches the rest of the file. */
export function checkSeal(capsule: Uint8Array): void {
  if (capsule.length < SEALED_HEADER_LENGTH + 8) throw sealError(`the capsule is too short (${capsule.length} bytes)`);
  const expected = [
    0x1f,
    0x8b,
    8,
    FEXTRA,
    0,
    0,
    0,
    0,
    0,
    GZIP_OS_UNKNOWN,
    4 + SEAL_LENGTH,
    0,
    ...SUBFIELD_ID,
    SEAL_LENGTH,
    0,
  ];
  for (let i = 0; i < expected.length; i++) {
    if (capsule[i] !== expected[i]) throw sealError(`the gzip header differs from a qlf capsule's at byte ${i}`);
  }
  const digest = createHash('sha256').update(capsule.subarray(SEALED_HEADER_LENGTH)).digest();
  if (!digest.equals(capsule.subarray(16, SEALED_HEADER_LENGTH))) {
    throw sealError('the compressed data does not match the seal in the gzip header (bytes changed or truncated)');
  }
}
