// UUIDs derived from content (RFC 9562 version 8, from sha256): SBOM serial numbers and SPDX namespaces that are
// unique per content yet identical across rebuilds, where a random UUID would break reproducibility.
import { hashParts } from '../../../core/hash.js';

export function contentUuid(parts: readonly string[]): string {
  const hex = hashParts(parts).slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
