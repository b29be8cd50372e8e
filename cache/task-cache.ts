// The task cache as a graph run uses it: one facade over the local cache and, when one is configured, the remote cache
// shared between machines (cache/remote-sharing.ts), as Turborepo's CacheMultiplexer is. Callers ask once and learn
// where a hit came from; the local-then-remote fallback, the uploads, read-only mode and giving up on a failing
// server all happen behind it.
import { type CacheWriteFile, LocalCache, type VerifiedEntry } from './local-cache.js';
import type { CacheManifest } from './manifest.js';
import type { RemoteCache } from './remote-cache.js';
import { RemoteSharing, type RemoteWarning } from './remote-sharing.js';

/** Where a cache hit came from. */
export type CacheSource = 'local' | 'remote';

/** A hit: the entry, every byte checked, restored where it was asked to go. */
export interface CacheHit {
  source: CacheSource;
  entry: VerifiedEntry;
}

export interface TaskCacheOptions {
  /** The local cache folder (`config.cacheDir`). */
  dir: string;
  /** Injected file writer of the local cache (tests simulate a full disk with it). */
  writeFile?: CacheWriteFile;
  /** The remote cache, if any: it is reached only through the local one, where its artifacts are checked and kept. */
  remote?: RemoteCache;
  /** Told what went wrong with the remote (it never fails a task). */
  warn: (warning: RemoteWarning) => void;
  /** The run's signal: cuts off remote requests under way. */
  signal?: AbortSignal;
}

export class TaskCache {
  readonly local: LocalCache;
  private readonly remote?: RemoteSharing;

  constructor(options: TaskCacheOptions) {
    this.local = new LocalCache(options.dir, { writeFile: options.writeFile });
    this.remote = options.remote && new RemoteSharing(options.remote, this.local, options.warn, options.signal);
  }

  /**
   * The entry for `hash`, restored into `target` while it is checked (each file is read once): from the local cache,
   * else from the remote one, whose artifact is checked and kept locally first. Undefined on a miss, including an entry
   * that failed its checks (removed) and a remote that failed (warned about).
   */
  async lookup(hash: string, target: string): Promise<CacheHit | undefined> {
    const local = await this.local.restoreVerified(hash, target);
    if (local) return { source: 'local', entry: local };
    const remote = await this.remote?.restore(hash, target);
    return remote ? { source: 'remote', entry: remote } : undefined;
  }

  /**
   * Restores a local entry this run already found good (a warm-path hit whose outputs a later task reads), checking it
   * again. False when it is gone or damaged; the remote is not asked, as the run vouched for the local entry.
   */
  async restore(hash: string, target: string): Promise<boolean> {
    return (await this.local.restore(hash, target)) !== undefined;
  }

  /**
   * Stores the files under `source` as the entry for `meta.hash` in the local cache, then uploads it in the background
   * unless the remote is read-only or given up on. Fails with `E_CACHE_WRITE` when the local disk refuses.
   */
  async store(source: string, meta: Omit<CacheManifest, 'files'>): Promise<VerifiedEntry> {
    const entry = await this.local.putVerified(source, meta);
    this.remote?.upload(meta.hash);
    return entry;
  }

  /** Marks the entry as just used (for pruning) when it is served without being read. */
  touch(hash: string): void {
    this.local.touch(hash);
  }

  /** Waits for the uploads under way, so the next machine finds what this run built. */
  async settle(): Promise<void> {
    await this.remote?.settle();
  }
}
