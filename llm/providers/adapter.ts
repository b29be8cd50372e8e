// What each SDK module implements and what it is given per call; `createProvider` (index.ts) adds the time limits and
// the error rules. The OpenAI and Anthropic SDKs share their error classes' shapes, so one mapping serves both.
import type { LlmCallError, LlmFailureKind, LlmRequest, LlmResponse } from '../types.js';

export interface ProviderCall {
  /** Aborts when a time limit passes or the caller's `request.signal` aborts; give it to the SDK. */
  readonly signal: AbortSignal;
  /** `fetch` that counts every byte received as progress, for SDKs built on fetch. */
  readonly fetch: typeof fetch;
  /** Counts as progress, for SDKs whose bytes cannot be watched (Bedrock's events). */
  touch(): void;
  /** The typed failure for an HTTP status, with the wait the server asked for. */
  httpFailure(status: number, detail: string, header: HeaderLookup, cause?: unknown): LlmCallError;
  failure(kind: LlmFailureKind, detail: string, cause?: unknown): LlmCallError;
}

export type HeaderLookup = (name: string) => string | null | undefined;

/** What each SDK module implements; `createProvider` adds the time limits and the error rules. */
export interface ProviderAdapter {
  complete(request: LlmRequest, call: ProviderCall): Promise<LlmResponse>;
}

/** The error classes an OpenAI-style SDK exports (`openai`, `@anthropic-ai/sdk`). */
export interface SdkErrorClasses<E extends Error & { status?: number | undefined; headers?: Headers | undefined }> {
  APIUserAbortError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIError: abstract new (...args: never[]) => E;
}

/**
 * The typed failure for an SDK error: an abort passes through (`createProvider` knows whether it was a time limit or
 * the caller), a timeout or a broken connection is retryable, an HTTP status keeps the server's wait, and an error
 * event in the middle of a stream goes to `streamFailure`.
 */
export function sdkFailureOf<E extends Error & { status?: number | undefined; headers?: Headers | undefined }>(
  error: unknown,
  call: ProviderCall,
  sdk: SdkErrorClasses<E>,
  detailOf: (error: E) => string,
  streamFailure: (error: E, detail: string) => LlmCallError,
): unknown {
  if (error instanceof sdk.APIUserAbortError) return error;
  if (error instanceof sdk.APIConnectionTimeoutError)
    return call.failure('timeout', 'the SDK timed out the connection', error);
  if (error instanceof sdk.APIConnectionError)
    return call.failure('network', `the connection failed (${error.message})`, error);
  if (error instanceof sdk.APIError) {
    const detail = detailOf(error);
    if (typeof error.status === 'number') {
      return call.httpFailure(error.status, detail, (name) => error.headers?.get(name), error);
    }
    return streamFailure(error, detail);
  }
  return error;
}
