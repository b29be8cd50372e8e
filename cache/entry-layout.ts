// Where a cache entry's parts live, in one place for the cache and for the checks that only stat an entry (some run in a
// worker thread, which should not load the cache and its schemas for two path rules).
import { join } from 'node:path';

/** `<cacheDir>/entries/<hash[0:2]>/<hash>`. */
export function entryDirOf(cacheDir: string, hash: string): string {
  return join(cacheDir, 'entries', hash.slice(0, 2), hash);
}

/** Entry-relative paths that make up an entry with these files: the manifest first, then each file. */
export function entryPaths(files: readonly string[]): string[] {
  return ['manifest.json', ...files.map((path) => `files/${path}`)];
}
