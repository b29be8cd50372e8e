// Content hashing. sha256 from node:crypto: built in, hardware-accelerated, and the digest that SBOMs, provenance and
// OCI already speak, so one hash serves the cache and the signed artefacts.
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hashes a list of parts unambiguously (each part length-prefixed). */
export function hashParts(parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : part;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}
