// Reads one file out of a capsule in memory, streaming the archive through the safe tar reader (core/tar-read.ts):
// nothing is unpacked to disk, and only the wanted file's bytes are kept.
import { gunzipChunks, TarScanner, tarBytesCap } from '../../core/tar.js';
import { CAPSULE_LIMITS } from '../../executors/package/lib/capsule-archive.js';

/** The bytes of `path` inside `capsule`, or undefined when the archive has no such file. */
export async function readCapsuleEntry(capsule: Uint8Array, path: string): Promise<Uint8Array | undefined> {
  const scanner = new TarScanner(CAPSULE_LIMITS);
  const parts: Uint8Array[] = [];
  let inside = false;
  let found = false;
  for await (const chunk of gunzipChunks(capsule, tarBytesCap(CAPSULE_LIMITS))) {
    for (const event of scanner.push(chunk)) {
      if (event.kind === 'file') inside = event.path === path;
      else if (event.kind === 'data' && inside) parts.push(event.bytes.slice());
      else if (event.kind === 'file-end' && inside) {
        inside = false;
        found = true;
      }
    }
    if (found) return Buffer.concat(parts);
  }
  scanner.end();
  return undefined;
}
