// Retries one LLM call on the failures that may pass (rate limits, 5xx, timeouts, cut streams), with capped and
// jittered exponential backoff that honours the server's own Retry-After.
import { LlmCallError } from '../types.js';

/** `llm.retries` in qlf.config.ts. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryHooks {
  /** Waits between attempts. @default a setTimeout promise */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
  /** Called before each wait: the failure, the wait, and the number of the attempt that failed (1 = the first). */
  onRetry?: (error: LlmCallError, delayMs: number, attempt: number) => void;
}

/**
 * The longest server-requested wait qlf sits through, as a multiple of `maxDelayMs` (60 s with the defaults). A
 * provider asking for longer is out for minutes (a spent quota, maintenance): giving up at once lets failover try
 * another provider, and a run never hangs on a `Retry-After: 86400`.
 */
export const RETRY_AFTER_CAP_FACTOR = 3;

/** Runs `attempt` until it succeeds, fails for good, or `maxAttempts` are used; then throws the last error. */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  const random = hooks.random ?? Math.random;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof LlmCallError) || !error.retryable || n >= policy.maxAttempts) throw error;
      const delayMs = retryDelay(error, n, policy, random());
      if (delayMs === undefined) throw error;
      hooks.onRetry?.(error, delayMs, n);
      await sleep(delayMs);
    }
  }
}

/**
 * The wait after failed attempt `n`: full jitter over `baseDelayMs × 2^(n-1)` capped at `maxDelayMs`, but never less
 * than the server's `retryAfterMs`; `undefined` when the server asks for more than the cap allows.
 */
export function retryDelay(error: LlmCallError, n: number, policy: RetryPolicy, random: number): number | undefined {
  const backoff = random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  if (error.retryAfterMs === undefined) return backoff;
  if (error.retryAfterMs > policy.maxDelayMs * RETRY_AFTER_CAP_FACTOR) return undefined;
  return Math.max(backoff, error.retryAfterMs);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
