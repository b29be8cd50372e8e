// The remote cache as one run uses it, behind the run's TaskCache (cache/task-cache.ts): on a local miss the task's
// artifact is fetched, checked and stored in the local cache before it is restored; after a task really ran its entry
// is uploaded in the background, and the run waits for the uploads before it ends. Nothing the remote does can fail a
// task: every failure is a warning and the task runs (or stays done). A server that cannot be reached, times out or
// refuses the token is left alone for the rest of the run (requests under way are cut off), so a run against a dead or
// hung server warns once instead of once per task.
import { isQlfError } from '../core/errors.js';
import type { LocalCache, VerifiedEntry } from './local-cache.js';
import type { RemoteCache } from './remote-cache.js';
import { packEntry, unpackEntry } from './remote-entry.js';

export interface RemoteWarning {
  message: string;
  hint?: string;
}

/**
 * Failures after which the server is not asked again during this run: it is down or hung, refuses the token, or
 * refuses the requests themselves (e.g. a missing team), which would be the same for every task. An artifact too large
 * is not one.
 */
const GIVE_UP = new Set([
  'E_REMOTE_CACHE_UNAVAILABLE',
  'E_REMOTE_CACHE_TIMEOUT',
  'E_REMOTE_CACHE_AUTH',
  'E_REMOTE_CACHE_HTTP',
]);

export class RemoteSharing {
  private fetching = true;
  private storing: boolean;
  private readonly uploads = new Set<Promise<void>>();
  /** Aborted when the run gives up on the server: cuts off the requests under way, which would only wait as long. */
  private readonly giveUp = new AbortController();
  /** The run's signal and `giveUp`: what every request is given. */
  private readonly requests: AbortSignal;
  /** Artifacts uploaded and downloaded by this run. */
  readonly counts = { fetched: 0, stored: 0 };

  constructor(
    private readonly remote: RemoteCache,
    private readonly local: LocalCache,
    private readonly warn: (warning: RemoteWarning) => void,
    private readonly signal?: AbortSignal,
  ) {
    this.storing = !remote.readOnly;
    this.requests = signal ? AbortSignal.any([signal, this.giveUp.signal]) : this.giveUp.signal;
  }

  /**
   * Fetches `hash` from the remote, checks it, stores it in the local cache and restores it into `target`. Undefined
   * when the remote has no usable artifact (missing, refused, unreachable); the caller runs the task then.
   */
  async restore(hash: string, target: string): Promise<VerifiedEntry | undefined> {
    if (!this.fetching || this.requests.aborted) return undefined;
    try {
      const bytes = await this.remote.fetch(hash, this.requests);
      if (!bytes) return undefined;
      const manifest = await unpackEntry(this.local, hash, bytes, {
        onReject: (reason) =>
          this.warn({
            message: `remote cache artifact ${hash.slice(0, 12)}… refused: ${reason}; running the task instead`,
            hint: 'If this repeats, the server holds damaged or foreign artifacts: clear its storage for this team.',
          }),
      });
      if (!manifest) return undefined;
      const entry = await this.local.restoreVerified(hash, target);
      if (entry) this.counts.fetched++;
      return entry;
    } catch (error) {
      this.failed('download from', error);
      return undefined;
    }
  }

  /** Uploads the local entry `hash` in the background; `settle()` waits for every upload started. */
  upload(hash: string): void {
    if (!this.storing || this.requests.aborted) return;
    const upload: Promise<void> = (async () => {
      const artifact = await packEntry(this.local, hash);
      if (!artifact || !this.storing) return;
      await this.remote.store(hash, artifact, this.requests);
      this.counts.stored++;
    })()
      .catch((error) => this.failed('upload to', error))
      .finally(() => this.uploads.delete(upload));
    this.uploads.add(upload);
  }

  /** Waits for the uploads under way (their failures are warnings already). */
  async settle(): Promise<void> {
    while (this.uploads.size > 0) await Promise.all([...this.uploads]);
  }

  private failed(what: 'download from' | 'upload to', error: unknown): void {
    // The run was interrupted, or this is a request cut off after giving up (warned about already).
    if (this.requests.aborted) return;
    const code = isQlfError(error) ? error.code : undefined;
    const hint = isQlfError(error) ? error.hint : undefined;
    // Errors of the remote client name the request already; others (e.g. a full local disk) need the context.
    const raw = (error as Error)?.message ?? String(error);
    const message = code?.startsWith('E_REMOTE_CACHE') ? raw : `could not ${what} the remote cache: ${raw}`;
    if (code && GIVE_UP.has(code)) {
      // A refused upload with a working download is a read-only token: keep downloading.
      const uploadsOnly = what === 'upload to' && code === 'E_REMOTE_CACHE_AUTH';
      if (uploadsOnly ? !this.storing : !this.fetching && !this.storing) return;
      this.storing = false;
      if (!uploadsOnly) {
        this.fetching = false;
        this.giveUp.abort();
      }
      this.warn({
        message: `${message}; ${uploadsOnly ? 'no more uploads' : 'going on without the remote cache'} for this run`,
        hint,
      });
      return;
    }
    this.warn({ message, hint });
  }
}
