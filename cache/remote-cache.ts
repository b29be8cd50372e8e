// A task cache shared between machines over the Turborepo remote cache HTTP API (`GET`/`PUT /v8/artifacts/:hash`,
// bearer token, `?teamId=`/`?slug=`), so any compatible server works. This file only moves bytes: what an artifact
// holds and how it is checked before use is `remote-entry.ts`.
import { setTimeout as delay } from 'node:timers/promises';
import { isQlfError, type QlfError, workError } from '../core/errors.js';
import { qlfVersion } from '../core/package-info.js';

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
  /** Time limit of one request, body included. @default 60000 */
  timeoutMs?: number;
  /** Further attempts after a 5xx, 429, network error or timeout. @default 2 */
  retries?: number;
  /** First backoff delay, doubled on each retry. @default 250 */
  retryBaseMs?: number;
  /** Largest artifact accepted from the server, in bytes. @default 512 MiB */
  maxArtifactBytes?: number;
  /** Injected `fetch` (tests). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

const HASH = /^[0-9a-f]{64}$/;

/** A failure worth another attempt (the server or the network, not the request). */
class Transient extends Error {}

export class HttpRemoteCache implements RemoteCache {
  readonly description: string;
  readonly readOnly: boolean;
  private readonly base: URL;
  private readonly token?: string;
  private readonly team?: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly maxArtifactBytes: number;
  private readonly fetchImpl: typeof globalThis.fetch;

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
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = options.retries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.maxArtifactBytes = options.maxArtifactBytes ?? 512 * 1024 * 1024;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  async fetch(hash: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    return this.request('GET', hash, signal, async (response) => {
      if (response.status === 404) {
        await response.body?.cancel().catch(() => undefined);
        return undefined;
      }
      return this.readBody(response, hash);
    });
  }

  async store(hash: string, artifact: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (this.readOnly) return;
    await this.request(
      'PUT',
      hash,
      signal,
      async (response) => {
        await response.body?.cancel().catch(() => undefined);
      },
      artifact,
    );
  }

  async status(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    // A HEAD of a hash no task has: 404 (or 200) means the server answers and takes this token for this team. The
    // status route is not used: servers answer it without checking the token.
    const url = this.artifactUrl('0'.repeat(64));
    const headers = this.headers();
    const timeout = AbortSignal.timeout(Math.min(this.timeoutMs, 10_000));
    try {
      const response = await this.fetchImpl(url, {
        method: 'HEAD',
        headers,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (response.ok || response.status === 404) return { ok: true, detail: 'reachable, token accepted' };
      return { ok: false, detail: this.redact(`${response.status} ${response.statusText}`) };
    } catch (error) {
      return {
        ok: false,
        detail: this.redact(timeout.aborted ? 'no answer within 10 s' : describeNetworkError(error)),
      };
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
    onOk: (response: Response) => Promise<T>,
    body?: Uint8Array,
  ): Promise<T> {
    if (!HASH.test(hash)) throw workError('E_REMOTE_CACHE_HASH', `not a task hash: ${JSON.stringify(hash)}`);
    const url = this.artifactUrl(hash);
    const what = `${method} ${this.description}/v8/artifacts/${hash.slice(0, 12)}…`;
    const headers = this.headers();
    if (body) headers['Content-Type'] = 'application/octet-stream';
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const response = await this.fetchImpl(url, { method, headers, body, signal: combined, redirect: 'follow' });
        if (response.ok || (method === 'GET' && response.status === 404)) return await onOk(response);
        const detail = await serverMessage(response);
        if (response.status >= 500 || response.status === 429) {
          throw new Transient(`${response.status} ${response.statusText}${detail}`);
        }
        throw this.httpError(what, response.status, response.statusText, detail);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (isQlfError(error) || !(error instanceof Transient || isNetworkError(error))) throw this.redactError(error);
        const why = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
        if (attempt >= this.retries) {
          throw workError(
            'E_REMOTE_CACHE_UNAVAILABLE',
            this.redact(`remote cache ${what} failed after ${attempt + 1} attempts: ${why}`),
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

  /** Reads the body, refusing more than `maxArtifactBytes` before buffering it. */
  private async readBody(response: Response, hash: string): Promise<Uint8Array> {
    const tooLarge = () =>
      workError(
        'E_REMOTE_CACHE_TOO_LARGE',
        `remote cache artifact ${hash.slice(0, 12)}… is larger than ${this.maxArtifactBytes} bytes; not downloaded`,
      );
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > this.maxArtifactBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!response.body) return new Uint8Array();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > this.maxArtifactBytes) throw tooLarge();
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
async function serverMessage(response: Response): Promise<string> {
  try {
    const text = (await response.text()).slice(0, 2000);
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

function isNetworkError(error: unknown): boolean {
  // fetch rejects with a TypeError on network failures (also mid-body), AbortError/TimeoutError on the time limit.
  return error instanceof TypeError || (error instanceof Error && ['AbortError', 'TimeoutError'].includes(error.name));
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Transient) return error.message;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
