// The contract between qlf and an LLM provider: one request in, one complete answer (or a typed failure) out.
import type { ProviderName } from '../schemas/llm.js';

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  /** Model id as the provider knows it (aliases already resolved). */
  model: string;
  system: string;
  /** The conversation so far: the prompt, then (on a repair) the rejected answer and the parser's error. */
  messages: LlmMessage[];
  maxOutputTokens: number;
  /** Always 0 from qlf: answers should be as repeatable as the provider allows. */
  temperature: number;
  /** Sent where the provider supports one (OpenAI). */
  seed?: number;
  /** Aborts the call (timeouts, a stopped run). */
  signal?: AbortSignal;
}

export type StopReason = 'end' | 'max-tokens' | 'refusal' | 'other';

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmResponse {
  text: string;
  /** Model id the provider says answered. */
  model: string;
  usage: LlmUsage;
  stopReason: StopReason;
}

export interface LlmProvider {
  readonly name: ProviderName;
  complete(request: LlmRequest): Promise<LlmResponse>;
}

/** Why a call failed, as the retry policy and the circuit breaker see it. */
export type LlmFailureKind =
  /** 429, or the provider's throttling error. */
  | 'rate-limit'
  /** 5xx, overloaded. */
  | 'server'
  /** No byte for `idleTimeoutSeconds`, or the whole call over `requestTimeoutSeconds`. */
  | 'timeout'
  /** The connection failed or the stream was cut before the answer ended. */
  | 'network'
  /** 401/403, a missing or refused key. Not retried. */
  | 'auth'
  /** 400/404/422: the request itself is wrong (unknown model). Not retried. */
  | 'bad-request';

export class LlmCallError extends Error {
  readonly kind: LlmFailureKind;
  readonly provider: ProviderName;
  readonly status?: number;
  /** From `Retry-After` (or the provider's equivalent), in milliseconds. */
  readonly retryAfterMs?: number;
  constructor(
    provider: ProviderName,
    kind: LlmFailureKind,
    message: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'LlmCallError';
    this.provider = provider;
    this.kind = kind;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }
  get retryable(): boolean {
    return this.kind === 'rate-limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'network';
  }
}
