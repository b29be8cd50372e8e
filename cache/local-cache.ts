// The local content-addressed task cache: `entries/<hash[0:2]>/<hash>/{manifest.json,files/}` under `config.cacheDir`.
// Writes build the whole entry in `tmp/` and rename it into place, so readers see a complete entry or none; reads
// check every file's sha256 and discard an entry that does not match instead of serving it. A verified read or a write
// also returns the entry's stat stamp (cache/file-stamp.ts): while the stamp is unchanged the entry needs no re-reading.
import { randomBytes } from 'node:crypto';
import { utimesSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { workError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { entryDirOf, entryPaths } from './entry-layout.js';
import { digestStamps, foldStamps, stampOf } from './file-stamp.js';
import { listFiles, type TreeFile } from './file-tree.js';
import { type CacheManifest, cacheManifestSchema } from './manifest.js';

/** The file writes the cache does; injectable so tests can simulate a full disk. */
export type CacheWriteFile = (path: string, data: Uint8Array | string) => Promise<void>;

export interface CacheStats {
  entries: number;
  bytes: number;
  /** Sum of the stored task durations: what the cache can save per full replay. */
  storedDurationMs: number;
}

export interface CacheEntryInfo {
  hash: string;
  bytes: number;
  lastAccessMs: number;
}

/** An entry whose every byte was just checked (or written), with the stat stamp of its files at that moment. */
export interface VerifiedEntry {
  manifest: CacheManifest;
  /** Pass to `unchangedSince` with the manifest's file paths to learn, by stat alone, that the entry is as checked. */
  stamp: string;
}

export class LocalCache {
  readonly dir: string;
  private readonly write: CacheWriteFile;

  constructor(dir: string, options: { writeFile?: CacheWriteFile } = {}) {
    this.dir = dir;
    this.write = options.writeFile ?? ((path, data) => writeFile(path, data));
  }

  entryDir(hash: string): string {
    return entryDirOf(this.dir, hash);
  }

  private tempDir(): string {
    return join(this.dir, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  /**
   * Copies the entry for `hash` into `target` after checking every file against the manifest and returns the manifest;
   * undefined on a miss. A corrupt or partial entry is removed (and is a miss), never restored.
   */
  async restore(hash: string, target: string): Promise<CacheManifest | undefined> {
    return (await this.restoreVerified(hash, target))?.manifest;
  }

  /**
   * `restore` that also returns the entry's stamp; without `target` it only checks the entry. Every path is stamped
   * before it is read, so a change made while checking shows up as a changed stamp later, never as a trusted one.
   */
  async restoreVerified(hash: string, target?: string): Promise<VerifiedEntry | undefined> {
    const entry = this.entryDir(hash);
    const manifestStamp = stampOf(join(entry, 'manifest.json'));
    let manifest: CacheManifest;
    try {
      const parsed = cacheManifestSchema.safeParse(JSON.parse(await readFile(join(entry, 'manifest.json'), 'utf8')));
      if (!parsed.success || parsed.data.hash !== hash) {
        await this.discard(hash);
        return undefined;
      }
      manifest = parsed.data;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') await this.discard(hash);
      else if (await exists(entry)) await this.discard(hash);
      return undefined;
    }
    const paths = entryPaths(manifest.files.map((file) => file.path));
    const contents: Buffer[] = [];
    const fileStamps: string[] = [];
    for (const file of manifest.files) {
      const abs = join(entry, 'files', ...file.path.split('/'));
      fileStamps.push(stampOf(abs));
      const bytes = await readFile(abs).catch(() => undefined);
      if (!bytes || bytes.length !== file.size || sha256(bytes) !== file.sha256) {
        await this.discard(hash);
        return undefined;
      }
      contents.push(bytes);
    }
    if (target !== undefined) {
      await Promise.all(
        manifest.files.map(async (file, index) => {
          const path = join(target, ...file.path.split('/'));
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, contents[index] as Buffer);
        }),
      );
    }
    this.touch(hash);
    return { manifest, stamp: foldStamps(paths, [manifestStamp, ...fileStamps]) };
  }

  /**
   * Whether the entry for `hash` is still exactly as it was when `stamp` was taken (by `restoreVerified` or
   * `putVerified`), by stat alone; `files` are the manifest's file paths. No means "check it again", not "corrupt".
   */
  unchangedSince(hash: string, files: readonly string[], stamp: string): boolean {
    return digestStamps(this.entryDir(hash), entryPaths(files)) === stamp;
  }

  /**
   * Marks the entry as just used, for `prune`'s least-recently-used order. The entry folder's mtime is the mark: the
   * manifest and files keep their stamps, so marking never makes a checked entry look changed. Synchronous: one
   * metadata update, cheaper than a round trip through the thread pool when a warm run marks thousands.
   */
  touch(hash: string): void {
    try {
      const now = Date.now() / 1000;
      utimesSync(this.entryDir(hash), now, now);
    } catch {
      // gone or read-only: the mark only orders pruning
    }
  }

  /** Whether a verified entry exists for `hash` (reads and checks every file; discards a bad entry). */
  async has(hash: string): Promise<boolean> {
    return (await this.restoreVerified(hash)) !== undefined;
  }

  /**
   * Stores the files under `source` as the entry for `hash`. Atomic: the entry appears complete or not at all; if
   * another process stored the same hash first, its entry stays (same inputs, same content). Fails with
   * `E_CACHE_WRITE` (leaving nothing behind) when the disk refuses the write.
   */
  async put(source: string, meta: Omit<CacheManifest, 'files'>): Promise<CacheManifest> {
    return (await this.putVerified(source, meta)).manifest;
  }

  /** `put` that also returns the stamp of the entry as stored (see `restoreVerified`). */
  async putVerified(source: string, meta: Omit<CacheManifest, 'files'>): Promise<VerifiedEntry> {
    const temp = this.tempDir();
    try {
      // Each file is read once: hashed for the manifest and written into the entry from the same bytes.
      const files: TreeFile[] = [];
      for (const path of await listFiles(source)) {
        const bytes = await readFile(join(source, ...path.split('/')));
        const target = join(temp, 'files', ...path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await this.write(target, bytes);
        files.push({ path, sha256: sha256(bytes), size: bytes.length });
      }
      const manifest: CacheManifest = { ...meta, files };
      await mkdir(temp, { recursive: true });
      await this.write(join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const entry = this.entryDir(meta.hash);
      await mkdir(dirname(entry), { recursive: true });
      try {
        await rename(temp, entry);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
        // Someone else stored this hash meanwhile; keep theirs unless it is damaged.
        const theirs = await this.restoreVerified(meta.hash);
        if (theirs) return theirs;
        await rename(temp, entry);
      }
      const paths = entryPaths(files.map((file) => file.path));
      return { manifest, stamp: digestStamps(entry, paths) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw workError(
        'E_CACHE_WRITE',
        `cannot write cache entry ${meta.hash.slice(0, 12)}: ${(error as Error).message}`,
        {
          hint:
            code === 'ENOSPC' ? `The disk is full: free space or run \`qlf cache prune --max-size 100MB\`.` : undefined,
          cause: error,
        },
      );
    } finally {
      await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Removes one entry (moved aside first, so a concurrent reader never sees half a removal). */
  async discard(hash: string): Promise<void> {
    const trash = this.tempDir();
    try {
      await mkdir(dirname(trash), { recursive: true });
      await rename(this.entryDir(hash), trash);
    } catch {
      return;
    }
    await rm(trash, { recursive: true, force: true });
  }

  async list(): Promise<CacheEntryInfo[]> {
    const out: CacheEntryInfo[] = [];
    const root = join(this.dir, 'entries');
    for (const prefix of await readdir(root).catch(() => [] as string[])) {
      for (const hash of await readdir(join(root, prefix)).catch(() => [] as string[])) {
        const entry = join(root, prefix, hash);
        const manifestStat = await stat(join(entry, 'manifest.json')).catch(() => undefined);
        // `touch` marks the folder; entries from before that marked the manifest.
        const entryStat = await stat(entry).catch(() => undefined);
        let bytes = 0;
        try {
          const manifest = JSON.parse(await readFile(join(entry, 'manifest.json'), 'utf8')) as CacheManifest;
          bytes = manifest.files.reduce((sum, f) => sum + f.size, 0) + (manifestStat?.size ?? 0);
        } catch {
          bytes = 0;
        }
        out.push({ hash, bytes, lastAccessMs: Math.max(manifestStat?.mtimeMs ?? 0, entryStat?.mtimeMs ?? 0) });
      }
    }
    return out.sort((a, b) => a.lastAccessMs - b.lastAccessMs || a.hash.localeCompare(b.hash));
  }

  async stats(): Promise<CacheStats> {
    const root = join(this.dir, 'entries');
    let storedDurationMs = 0;
    const entries = await this.list();
    for (const { hash } of entries) {
      try {
        const manifest = JSON.parse(await readFile(join(root, hash.slice(0, 2), hash, 'manifest.json'), 'utf8'));
        storedDurationMs += Number(manifest.durationMs) || 0;
      } catch {
        // a damaged entry counts for its bytes only
      }
    }
    return { entries: entries.length, bytes: entries.reduce((sum, e) => sum + e.bytes, 0), storedDurationMs };
  }

  /** Removes every entry and leftover temp folder. */
  async clean(): Promise<{ removed: number; freedBytes: number }> {
    const stats = await this.stats();
    const trash = `${this.dir}.${randomBytes(6).toString('hex')}.qlf-trash`;
    try {
      await rename(this.dir, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { removed: 0, freedBytes: 0 };
      throw error;
    }
    await rm(trash, { recursive: true, force: true });
    return { removed: stats.entries, freedBytes: stats.bytes };
  }

  /** Removes least recently used entries until the cache holds at most `maxBytes`. */
  async prune(maxBytes: number): Promise<{ removed: number; freedBytes: number; keptBytes: number }> {
    const entries = await this.list();
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    let removed = 0;
    let freedBytes = 0;
    for (const entry of entries) {
      if (total <= maxBytes) break;
      await this.discard(entry.hash);
      total -= entry.bytes;
      freedBytes += entry.bytes;
      removed++;
    }
    return { removed, freedBytes, keptBytes: total };
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
