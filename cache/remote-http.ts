// One HTTP exchange with the remote cache, timed per phase instead of as a whole: the connection, the wait for the
// response headers once the request is out, and each pause while a body moves. A server that accepts connections but
// never answers (hung, or stopped with SIGSTOP) is given up within seconds; a slow transfer that keeps moving is not.
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface PhaseTimeouts {
  /** Until the TCP (and TLS) connection is up; a reused keep-alive connection skips this phase. */
  connectMs: number;
  /** From connected to the response headers, and the longest pause while the request or response body moves. */
  firstByteMs: number;
}

export type TimeoutPhase = 'connect' | 'first-byte' | 'body';

/** A phase ran out of time. Never worth a retry: a hung server makes the next attempt wait just as long. */
export class RemoteTimeout extends Error {
  constructor(
    readonly phase: TimeoutPhase,
    readonly ms: number,
  ) {
    super(describeTimeout(phase, ms));
    this.name = 'RemoteTimeout';
  }
}

/** `1 s`, `0.5 s`: timeouts are configured in seconds, so messages speak seconds. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function describeTimeout(phase: TimeoutPhase, ms: number): string {
  if (phase === 'connect') return `could not connect within ${seconds(ms)}`;
  if (phase === 'first-byte') return `connected, but no response within ${seconds(ms)}`;
  return `the transfer stalled for ${seconds(ms)}`;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  header(name: string): string | undefined;
  /** The response body; a pause longer than `firstByteMs` fails it with a `RemoteTimeout`. */
  body: AsyncIterable<Uint8Array>;
  /** Drops the body (drained when small, so the connection is kept; cut off when `abort`). */
  discard(abort?: boolean): void;
}

export interface HttpInit {
  method: 'GET' | 'HEAD' | 'PUT';
  headers: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Sends one request and resolves with the response once its headers arrived, following up to 5 redirects. */
export async function sendRequest(url: URL, init: HttpInit, timeouts: PhaseTimeouts): Promise<HttpAnswer> {
  let current = url;
  let request = init;
  for (let redirects = 0; ; redirects++) {
    const answer = await exchange(current, request, timeouts);
    const location = answer.header('location');
    if (!REDIRECTS.has(answer.status) || !location || redirects >= MAX_REDIRECTS) return answer;
    answer.discard();
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return answer;
    // As fetch does: the token never follows a redirect to another origin, and a 303 turns into a GET.
    const headers = { ...request.headers };
    if (next.origin !== current.origin) delete headers.Authorization;
    const method = answer.status === 303 && request.method !== 'HEAD' ? 'GET' : request.method;
    request = { ...request, method, headers, body: method === 'GET' ? undefined : request.body };
    current = next;
  }
}

function exchange(url: URL, init: HttpInit, timeouts: PhaseTimeouts): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...init.headers, ...(init.body ? { 'Content-Length': String(init.body.length) } : {}) };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // A signal of its own: callers share one signal between many concurrent requests, each of which listens to it.
    const signal = init.signal && AbortSignal.any([init.signal]);
    const req: ClientRequest = send(url, { method: init.method, headers, signal });
    let response: IncomingMessage | undefined;
    const fail = (phase: TimeoutPhase, ms: number) => {
      const error = new RemoteTimeout(phase, ms);
      if (response) response.destroy(error);
      req.destroy(error);
    };
    const connectTimer = setTimeout(() => fail('connect', timeouts.connectMs), timeouts.connectMs);
    // The socket's idle timer covers the wait for the headers and every pause in either body: progress resets it.
    const connected = () => {
      clearTimeout(connectTimer);
      req.setTimeout(timeouts.firstByteMs, () => fail(response ? 'body' : 'first-byte', timeouts.firstByteMs));
    };
    req.once('socket', (socket) => {
      if (req.reusedSocket || !socket.connecting) connected();
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    req.once('response', (res) => {
      response = res;
      resolve(answerOf(res));
    });
    // `on`, not `once`: a request cut off after its response arrived can fail again, and must not crash the process.
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    req.once('close', () => clearTimeout(connectTimer));
    if (!init.body) req.end();
    // In chunks: each one written resets the idle timer, so a long upload that keeps moving is never cut off (one
    // big write would count as a single step). A failure reaches the 'error' listener above.
    else pipeline(Readable.from(chunksOf(init.body)), req).catch(() => undefined);
  });
}

const CHUNK_BYTES = 256 * 1024;

function* chunksOf(bytes: Uint8Array): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) yield bytes.subarray(offset, offset + CHUNK_BYTES);
}

function answerOf(res: IncomingMessage): HttpAnswer {
  // Errors surface through the body's iterator; this listener only keeps a discarded body from crashing the process.
  res.on('error', () => undefined);
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    header: (name) => {
      const value = res.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    body: res,
    discard: (abort = false) => {
      if (abort) res.destroy();
      else res.resume();
    },
  };
}
