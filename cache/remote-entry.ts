// A local cache entry as one remote artifact: a reproducible tar.gz of `manifest.json` plus `files/<path>`. Unpacking
// trusts nothing the server sent: safe paths, size caps, the task hash and every file hash are checked before the entry
// reaches the local cache (through `LocalCache.put`, so it lands atomically), and anything else is refused.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../core/canonical-json.js';
import { isQlfError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { resolveInside } from '../core/safe-path.js';
import { createTar, DEFAULT_TAR_LIMITS, gzipDeterministic, readTarGz, type TarLimits } from '../core/tar.js';
import type { LocalCache } from './local-cache.js';
import { type CacheManifest, cacheManifestSchema } from './manifest.js';

const MANIFEST = 'manifest.json';
const FILES = 'files/';

/** Caps on what an artifact may unpack to: the tar reader's defaults, plus one entry for the manifest. */
export const REMOTE_ENTRY_LIMITS: Readonly<TarLimits> = Object.freeze({
  ...DEFAULT_TAR_LIMITS,
  maxEntries: DEFAULT_TAR_LIMITS.maxEntries + 1,
});

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-remote-entry-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The artifact for the local entry `hash`, or undefined when the local cache has no valid entry. Same entry → same
 * bytes (sorted entries, fixed mtimes and modes, canonical manifest JSON, pinned gzip header).
 */
export async function packEntry(local: LocalCache, hash: string): Promise<Uint8Array | undefined> {
  return withTempDir(async (dir) => {
    // restore() checks every file against the manifest, so only a verified entry is ever uploaded.
    const manifest = await local.restore(hash, dir);
    if (!manifest) return undefined;
    const entries = [{ path: MANIFEST, content: new TextEncoder().encode(canonicalJson(manifest)) }];
    for (const file of manifest.files) {
      entries.push({ path: `${FILES}${file.path}`, content: await readFile(join(dir, ...file.path.split('/'))) });
    }
    return gzipDeterministic(createTar(entries));
  });
}

export interface UnpackOptions {
  /** Told why an artifact was refused (for a warning); the artifact is never used. */
  onReject?: (reason: string) => void;
  /** @default REMOTE_ENTRY_LIMITS */
  limits?: TarLimits;
}

/** A checked artifact: the manifest and each file's bytes, in manifest order. */
interface CheckedEntry {
  manifest: CacheManifest;
  contents: Uint8Array[];
}

/** Checks an artifact in memory; returns why it is refused, or the checked entry. */
export function checkEntry(
  hash: string,
  bytes: Uint8Array,
  limits: TarLimits = REMOTE_ENTRY_LIMITS,
): CheckedEntry | string {
  let entries: ReturnType<typeof readTarGz>;
  try {
    // Refuses links, devices, absolute or `..` paths, duplicates and anything over the caps before reading content.
    entries = readTarGz(bytes, limits);
  } catch (error) {
    return `unreadable archive: ${(error as Error).message}`;
  }
  const byPath = new Map<string, Uint8Array>();
  let manifestBytes: Uint8Array | undefined;
  for (const entry of entries) {
    if (entry.path === MANIFEST) manifestBytes = entry.content;
    else if (entry.path.startsWith(FILES)) byPath.set(entry.path.slice(FILES.length), entry.content);
    else return `unexpected archive entry ${JSON.stringify(entry.path)} (only ${MANIFEST} and ${FILES}… belong)`;
  }
  if (!manifestBytes) return `no ${MANIFEST} in the archive`;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch {
    return `${MANIFEST} is not valid JSON`;
  }
  const parsed = cacheManifestSchema.safeParse(raw);
  if (!parsed.success) return `${MANIFEST} does not match the cache manifest schema`;
  const manifest = parsed.data;
  if (manifest.hash !== hash) {
    return `${MANIFEST} is for task ${manifest.hash.slice(0, 12)}…, not the requested ${hash.slice(0, 12)}…`;
  }
  if (new Set(manifest.files.map((f) => f.path)).size !== manifest.files.length) {
    return `${MANIFEST} lists a file twice`;
  }
  const contents: Uint8Array[] = [];
  for (const file of manifest.files) {
    const content = byPath.get(file.path);
    if (!content) return `${MANIFEST} lists ${JSON.stringify(file.path)} but the archive lacks it`;
    if (content.length !== file.size || sha256(content) !== file.sha256) {
      return `${JSON.stringify(file.path)} does not match its hash in ${MANIFEST} (tampered with or corrupt)`;
    }
    contents.push(content);
    byPath.delete(file.path);
  }
  const extra = byPath.keys().next();
  if (!extra.done) return `the archive holds ${JSON.stringify(extra.value)}, which ${MANIFEST} does not list`;
  return { manifest, contents };
}

/**
 * Checks the artifact fetched for `hash` and stores it as the local entry for `hash`; returns the stored manifest, or
 * undefined when the artifact is refused (the reason goes to `onReject`; nothing reaches the local cache). A local
 * write failure (`E_CACHE_WRITE`) is thrown: it says nothing about the artifact.
 */
export async function unpackEntry(
  local: LocalCache,
  hash: string,
  bytes: Uint8Array,
  options: UnpackOptions = {},
): Promise<CacheManifest | undefined> {
  const checked = checkEntry(hash, bytes, options.limits);
  if (typeof checked === 'string') {
    options.onReject?.(checked);
    return undefined;
  }
  const { manifest, contents } = checked;
  return withTempDir(async (dir) => {
    try {
      for (const [index, file] of manifest.files.entries()) {
        const target = resolveInside(dir, file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, contents[index] as Uint8Array, { flag: 'wx' });
      }
    } catch (error) {
      // Paths that clash on this file system (e.g. `A` and `a` where case is folded) or escape: refuse the artifact.
      const code = isQlfError(error) ? error.code : (error as NodeJS.ErrnoException).code;
      if (!isQlfError(error) && !['EEXIST', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'EINVAL'].includes(code ?? '')) {
        throw error;
      }
      options.onReject?.(`cannot unpack the files here: ${(error as Error).message}`);
      return undefined;
    }
    const { files: _files, ...meta } = manifest;
    return local.put(dir, meta);
  });
}
