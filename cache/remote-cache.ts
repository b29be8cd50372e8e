// A task cache shared between machines over the Turborepo remote cache HTTP API (`GET`/`PUT /v8/artifacts/:hash`,
// bearer token, `?teamId=`/`?slug=`), so any compatible server works. This file only moves bytes: what an artifact
// holds and how it is checked before use is `remote-entry.ts`.
import { setTimeout as delay } from 'node:timers/promises';
import { isQlfError, type QlfError, workError } from '../core/errors.js';
import { qlfVersion } from '../core/package-info.js';
import { type HttpAnswer, type PhaseTimeouts, RemoteTimeout, sendRequest } from './remote-http.js';

/** Where task artifacts are shared between machines. Both methods throw a `QlfError` (never holding the token). */
export interface RemoteCache {
  /** The server's URL without credentials, for messages. */
  readonly description: string;
  /** `store` uploads nothing (developer machines read what CI wrote). */
  readonly readOnly: boolean;
  /** The artifact stored for `hash`, or undefined when the server has none. */
  fetch(hash: string, signal?: AbortSignal): Promise<Uint8Array | undefined>;
  /** Uploads the artifact for `hash`; does nothing in read-only mode. */
  store(hash: string, artifact: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Asks the server whether caching is on for this team and token: `enabled`, or why not (never throws). */
  status(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }>;
}

export interface HttpRemoteCacheOptions {
  /** Base URL; requests go to `<url>/v8/artifacts/<hash>`. */
  url: string;
  /** Bearer token; sent only in the `Authorization` header. */
  token?: string;
  /** Team id (`team_…`, sent as `teamId`) or slug (sent as `slug`). */
  team?: string;
  /** @default false */
  readOnly?: boolean;
  /** Time limit of the connection (TCP and TLS). @default 5000 */
  connectTimeoutMs?: number;
  /**
   * Time limit from connected to the response headers, and of each pause while a body moves (a transfer that keeps
   * moving may take longer). @default 10000
   */
  firstByteTimeoutMs?: number;
  /** Further attempts after a 5xx, 429 or network error; never after a timeout. @default 2 */
  retries?: number;
  /** First backoff delay, doubled on each retry. @default 250 */
  retryBaseMs?: number;
  /** Largest artifact accepted from the server, in bytes. @default 512 MiB */
  maxArtifactBytes?: number;
}

/** The time limits when none are given: a remote cache is an optimisation, so a hung server must cost seconds. */
export const REMOTE_CACHE_TIMEOUTS: Readonly<PhaseTimeouts> = Object.freeze({ connectMs: 5_000, firstByteMs: 10_000 });

const HASH = /^[0-9a-f]{64}$/;

/** A failure worth another attempt (the server or the network, not the request). */
class Transient extends Error {}

export class HttpRemoteCache implements RemoteCache {
  readonly description: string;
  readonly readOnly: boolean;
  private readonly base: URL;
  private readonly token?: string;
  private readonly team?: string;
  private readonly timeouts: PhaseTimeouts;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly maxArtifactBytes: number;

  constructor(options: HttpRemoteCacheOptions) {
    const base = new URL(options.url);
    base.username = '';
    base.password = '';
    base.search = '';
    base.hash = '';
    if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
    this.base = base;
    this.description = base.href.replace(/\/$/, '');
    this.token = options.token || undefined;
    this.team = options.team || undefined;
    this.readOnly = options.readOnly ?? false;
    this.timeouts = {
      connectMs: options.connectTimeoutMs ?? REMOTE_CACHE_TIMEOUTS.connectMs,
      firstByteMs: options.firstByteTimeoutMs ?? REMOTE_CACHE_TIMEOUTS.firstByteMs,
    };
    this.retries = options.retries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.maxArtifactBytes = options.maxArtifactBytes ?? 512 * 1024 * 1024;
  }

  async fetch(hash: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    return this.request('GET', hash, signal, async (response) => {
      if (response.status === 404) {
        response.discard();
        return undefined;
      }
      return this.readBody(response, hash);
    });
  }

  async store(hash: string, artifact: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (this.readOnly) return;
    await this.request('PUT', hash, signal, async (response) => response.discard(), artifact);
  }

  async status(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    // A HEAD of a hash no task has: 404 (or 200) means the server answers and takes this token for this team. The
    // status route is not used: servers answer it without checking the token.
    const url = this.artifactUrl('0'.repeat(64));
    try {
      const response = await sendRequest(url, { method: 'HEAD', headers: this.headers(), signal }, this.timeouts);
      response.discard();
      if (response.status < 300 || response.status === 404) return { ok: true, detail: 'reachable, token accepted' };
      return { ok: false, detail: this.redact(`${response.status} ${response.statusText}`) };
    } catch (error) {
      return { ok: false, detail: this.redact(describeNetworkError(error)) };
    }
  }

  /** Every request's headers: who asks, and the bearer token when there is one. */
  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'User-Agent': `qlf/${qlfVersion()}` };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return headers;
  }

  /** `<base>v8/artifacts/<hash>?teamId=|slug=`, as Turborepo's own client builds it. */
  artifactUrl(hash: string): URL {
    const url = new URL(`v8/artifacts/${hash}`, this.base);
    if (this.team) url.searchParams.set(this.team.startsWith('team_') ? 'teamId' : 'slug', this.team);
    return url;
  }

  private async request<T>(
    method: 'GET' | 'PUT',
    hash: string,
    signal: AbortSignal | undefined,
    onOk: (response: HttpAnswer) => Promise<T>,
    body?: Uint8Array,
  ): Promise<T> {
    if (!HASH.test(hash)) throw workError('E_REMOTE_CACHE_HASH', `not a task hash: ${JSON.stringify(hash)}`);
    const url = this.artifactUrl(hash);
    const what = `${method} ${this.description}/v8/artifacts/${hash.slice(0, 12)}…`;
    const headers = this.headers();
    if (body) headers['Content-Type'] = 'application/octet-stream';
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        const response = await sendRequest(url, { method, headers, body, signal }, this.timeouts);
        const ok = response.status >= 200 && response.status < 300;
        if (ok || (method === 'GET' && response.status === 404)) return await onOk(response);
        const detail = await serverMessage(response);
        if (response.status >= 500 || response.status === 429) {
          throw new Transient(`${response.status} ${response.statusText}${detail}`);
        }
        throw this.httpError(what, response.status, response.statusText, detail);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        // A hung server answers a retry no sooner: give up at once, and let the caller stop asking it.
        if (error instanceof RemoteTimeout) throw this.timeoutError(what, error);
        if (isQlfError(error) || !(error instanceof Transient || isNetworkError(error))) throw this.redactError(error);
        if (attempt >= this.retries) {
          throw workError(
            'E_REMOTE_CACHE_UNAVAILABLE',
            this.redact(`remote cache ${what} failed after ${attempt + 1} attempts: ${describeNetworkError(error)}`),
            {
              hint: 'The cache server is down, overloaded or unreachable: check the URL and that the server is running.',
            },
          );
        }
        // Exponential backoff with jitter, so machines retrying together do not hit the server in step.
        await delay(this.retryBaseMs * 2 ** attempt * (0.75 + Math.random() / 2), undefined, { signal }).catch(() => {
          throw signal?.reason;
        });
      }
    }
  }

  private timeoutError(what: string, timeout: RemoteTimeout): QlfError {
    const option = timeout.phase === 'connect' ? 'connectTimeoutSeconds' : 'firstByteTimeoutSeconds';
    const hint =
      timeout.phase === 'connect'
        ? 'The cache server cannot be reached (down, firewalled or overloaded): check the URL and that it runs.'
        : 'The cache server takes connections but does not answer (hung, stopped or overloaded): check it.';
    return workError('E_REMOTE_CACHE_TIMEOUT', this.redact(`remote cache ${what} timed out: ${timeout.message}`), {
      hint: `${hint} If it is only slow, raise cache.remote.${option} in qlf.config.ts.`,
    });
  }

  /** Reads the body, refusing more than `maxArtifactBytes` before buffering it. */
  private async readBody(response: HttpAnswer, hash: string): Promise<Uint8Array> {
    const tooLarge = () =>
      workError(
        'E_REMOTE_CACHE_TOO_LARGE',
        `remote cache artifact ${hash.slice(0, 12)}… is larger than ${this.maxArtifactBytes} bytes; not downloaded`,
      );
    const declared = Number(response.header('content-length') ?? Number.NaN);
    if (declared > this.maxArtifactBytes) {
      response.discard(true);
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += chunk.length;
      if (total > this.maxArtifactBytes) {
        response.discard(true);
        throw tooLarge();
      }
      chunks.push(chunk);
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private httpError(what: string, status: number, statusText: string, detail: string): QlfError {
    const message = this.redact(`remote cache ${what}: ${status} ${statusText}${detail}`);
    if (status === 401 || status === 403) {
      return workError('E_REMOTE_CACHE_AUTH', message, {
        hint: this.token
          ? 'The server refused QLF_REMOTE_CACHE_TOKEN (wrong or expired token, or no access to this team); read-only servers also answer 403 to uploads.'
          : 'QLF_REMOTE_CACHE_TOKEN is not set: set it to a token the cache server accepts.',
      });
    }
    if (status === 413) {
      // One artifact too large for the server: others may fit, so it gets the code of an artifact over our own cap.
      return workError('E_REMOTE_CACHE_TOO_LARGE', message, {
        hint: "The artifact is over the server's upload limit (turborepo-remote-cache: BODY_LIMIT).",
      });
    }
    return workError('E_REMOTE_CACHE_HTTP', message, {
      hint:
        status === 400 && !this.team
          ? 'Some servers (e.g. turborepo-remote-cache) need a team: set cache.remote.team or QLF_REMOTE_CACHE_TEAM.'
          : undefined,
    });
  }

  private redactError(error: unknown): unknown {
    if (error instanceof Error && this.token && error.message.includes(this.token)) {
      error.message = this.redact(error.message);
    }
    return error;
  }

  /** Belt and braces: no message leaves this class holding the token, whatever a server or library echoed. */
  private redact(text: string): string {
    return this.token ? text.split(this.token).join('[token]') : text;
  }
}

/** A short reason from the server's JSON body (`{"message": …}`), at most 200 characters; empty if none. */
async function serverMessage(response: HttpAnswer): Promise<string> {
  try {
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length >= 2000) {
        response.discard(true);
        break;
      }
    }
    text = text.slice(0, 2000);
    let message = text;
    try {
      const json = JSON.parse(text) as { message?: unknown; error?: unknown };
      message = String(json.message ?? json.error ?? text);
    } catch {
      // not JSON: the text itself
    }
    message = message.replace(/\s+/g, ' ').trim().slice(0, 200);
    return message ? ` (${message})` : '';
  } catch {
    return '';
  }
}

/** A failure of the connection (refused, reset, unresolvable host...): a system error code, not Node's `ERR_*`. */
function isNetworkError(error: unknown): boolean {
  return /^E[A-Z0-9]+$/.test(String((error as NodeJS.ErrnoException)?.code ?? ''));
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Transient || error instanceof RemoteTimeout) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  return code ?? (error as Error)?.message ?? String(error);
}
