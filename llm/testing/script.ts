// The script a loopback provider server plays: one step per request, and what the server records of each request.

/** A complete streamed answer. */
export interface AnswerStep {
  answer: string;
  /** Token counts the server reports. @default { input: 11, output: 7 } */
  usage?: { input: number; output: number };
  /** Characters per streamed chunk. @default 4 */
  chunk?: number;
  /** Pause between chunks, to test the whole-request limit with a stream that never goes idle. @default 0 */
  intervalMs?: number;
  /** The answer stops at the output limit instead of ending normally. */
  stopReason?: 'max-tokens';
}

/** An HTTP error answer, in the provider's own error format unless `body` is given. */
export interface StatusStep {
  status: 429 | 500 | 503 | 529;
  /** Sent as `Retry-After` (seconds or an HTTP date). */
  retryAfter?: string;
  /** Raw body; else the provider's error JSON. */
  body?: string;
  /** More response headers, e.g. `retry-after-ms`. */
  headers?: Record<string, string>;
}

/** Accepts the request and never sends another byte. */
export interface HangStep {
  hang: true;
  /** Send the success headers first (a stream that stalls), rather than nothing at all. @default false */
  afterHeaders?: boolean;
}

/** Streams the first `cutAfter` chunks of an answer, then destroys the connection. */
export interface CutStep {
  cutAfter: number;
  /** @default 'This answer is cut short by the server.' */
  answer?: string;
}

/** Streams `after` chunks of an answer, then the provider's in-stream error event (the HTTP status is already 200). */
export interface StreamErrorStep {
  streamError: 'overloaded' | 'throttled';
  /** @default 1 */
  after?: number;
}

/** The provider's refusal form, with this explanation. */
export interface RefusalStep {
  refusal: string;
}

export type ScriptStep = AnswerStep | StatusStep | HangStep | CutStep | StreamErrorStep | RefusalStep;

/** What a server keeps of one request: never the key itself. */
export interface RecordedRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  /** The parsed JSON body (`undefined` when it was not JSON). */
  body: unknown;
  /** Lower-case names of the request headers. */
  headerNames: string[];
  /** Whether the auth header carried the key the server was started with. */
  keyMatched: boolean;
}

export interface LoopbackServer {
  /** Base URL as the provider's SDK takes it (`http://127.0.0.1:<port>/v1` for OpenAI). */
  url: string;
  requests: RecordedRequest[];
  /** Stops listening and ends every open connection, hung ones included. */
  close(): Promise<void>;
}

export interface LoopbackOptions {
  /** The key (or AWS access key id) the client is expected to send. */
  expectedKey?: string;
}

export const DEFAULT_USAGE = { input: 11, output: 7 } as const;
/** What a step that breaks off mid-answer had started to say. */
export const PARTIAL_ANSWER = 'This answer is cut short by the server.';

/** Splits a text into the chunks a server streams. */
export function chunksOf(text: string, size = 4): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
  return chunks.length > 0 ? chunks : [''];
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The request body parsed as JSON; `undefined` when it is not JSON. */
export async function readJsonBody(source: AsyncIterable<unknown>): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(part as Buffer);
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    return undefined;
  }
}
