// Asks providers in order until one answers: each with its retries behind its circuit breaker, moving on when one
// is down for good, and reporting every provider's last error when none answered.
import { isQlfError, workError } from '../../core/errors.js';
import type { ProviderName } from '../../schemas/llm.js';
import { LlmCallError, type LlmProvider, type LlmRequest, type LlmResponse } from '../types.js';
import { type CircuitBreaker, CircuitOpenError } from './circuit-breaker.js';
import { type RetryHooks, type RetryPolicy, withRetry } from './retry.js';

export interface FailoverLink {
  provider: LlmProvider;
  /** The model id for this provider: a model id means nothing to another provider. */
  model: string;
  breaker: CircuitBreaker;
}

/**
 * - `answered`: this provider gave the response.
 * - `failed`: retries were used up on failures that may pass (or the breaker opened during them).
 * - `circuit-open`: not called: its breaker was open.
 * - `refused`: a failover provider refused its key, settings or model (auth, bad request, missing key): skipped.
 * - `cached`: not called: the `cached` hook had the answer (the response cache).
 */
export type AttemptOutcome = 'answered' | 'failed' | 'circuit-open' | 'refused' | 'cached';

export interface FailoverAttempt {
  provider: ProviderName;
  model: string;
  outcome: AttemptOutcome;
  error?: Error;
}

export interface FailoverResult {
  response: LlmResponse;
  provider: ProviderName;
  model: string;
  attempts: FailoverAttempt[];
  /** The answer came from the `cached` hook, not from a call. */
  cached: boolean;
}

export interface FailoverHooks extends RetryHooks {
  /** Called when a provider is given up on, before the next one is tried. */
  onGiveUp?: (attempt: FailoverAttempt) => void;
  /** The answer without a call (a cached response), asked first for each provider, whatever its breaker says. */
  cached?: (link: FailoverLink, index: number) => Promise<LlmResponse | undefined>;
  /** Called just before a provider is really called; throws to stop the whole chain (the budget). */
  admit?: (link: FailoverLink, index: number) => Promise<void>;
}

/**
 * The first provider's own refusals (its key, its model, the request) end the call: the user must fix them, and
 * another provider would hide the problem. A failover provider that refuses is skipped, as are open breakers and
 * providers whose retries ran out.
 */
export async function callWithFailover(
  chain: FailoverLink[],
  request: Omit<LlmRequest, 'model'>,
  retryPolicy: RetryPolicy,
  hooks: FailoverHooks = {},
): Promise<FailoverResult> {
  const attempts: FailoverAttempt[] = [];
  for (const [index, link] of chain.entries()) {
    const provider = link.provider.name;
    const model = link.model;
    let lastFailure: LlmCallError | undefined;
    try {
      const ready = await hooks.cached?.(link, index);
      if (ready) {
        attempts.push({ provider, model, outcome: 'cached' });
        return { response: ready, provider, model, attempts, cached: true };
      }
      if (link.breaker.state === 'open') throw new CircuitOpenError(provider, 0, link.breaker.describe());
      await hooks.admit?.(link, index);
      const response = await withRetry(
        () =>
          link.breaker
            .call(() => link.provider.complete({ ...request, model }))
            .catch((error: unknown) => {
              if (error instanceof LlmCallError) lastFailure = error;
              throw error;
            }),
        retryPolicy,
        hooks,
      );
      attempts.push({ provider, model, outcome: 'answered' });
      return { response, provider, model, attempts, cached: false };
    } catch (error) {
      const attempt = judge(error, { provider, model }, lastFailure, index === 0);
      attempts.push(attempt);
      hooks.onGiveUp?.(attempt);
    }
  }
  throw unavailable(attempts);
}

/** What one provider's failure means for the chain; throws when it ends the call. */
function judge(
  error: unknown,
  link: { provider: ProviderName; model: string },
  lastFailure: LlmCallError | undefined,
  first: boolean,
): FailoverAttempt {
  if (error instanceof CircuitOpenError) {
    // Opened by this call's own failures: the failure is the news, not the breaker.
    return lastFailure
      ? { ...link, outcome: 'failed', error: lastFailure }
      : { ...link, outcome: 'circuit-open', error };
  }
  if (error instanceof LlmCallError && error.retryable) return { ...link, outcome: 'failed', error };
  const refusal = error instanceof LlmCallError || (isQlfError(error) && error.kind === 'input');
  if (!refusal) throw error;
  if (!first) return { ...link, outcome: 'refused', error: error as Error };
  if (isQlfError(error)) throw error;
  const llmError = error as LlmCallError;
  throw workError('E_LLM_REFUSED', `${link.provider} refused the request (${link.model}): ${llmError.message}`, {
    hint:
      llmError.kind === 'auth'
        ? `Check the key in the environment variable the ${link.provider} provider reads.`
        : 'Check the model id (--model) and the provider settings in qlf.config.ts.',
    cause: llmError,
  });
}

function unavailable(attempts: FailoverAttempt[]) {
  const lines = attempts.map(
    (a) => `${a.provider} (${a.model}): ${a.outcome}${a.error ? ` - ${a.error.message}` : ''}`,
  );
  return workError('E_LLM_UNAVAILABLE', `No provider answered:\n  ${lines.join('\n  ')}`, {
    hint: 'Try again later, or add providers to llm.failover in qlf.config.ts.',
  });
}
