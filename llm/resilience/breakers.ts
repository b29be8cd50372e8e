// One circuit breaker per provider for the whole process (each worker thread has its own): every brief's calls to a
// provider that keeps failing stop together, instead of each brief waiting out its own retries.
import type { ProviderName } from '../../schemas/llm.js';
import { type BreakerPolicy, CircuitBreaker } from './circuit-breaker.js';

const breakers = new Map<string, CircuitBreaker>();

export function breakerFor(provider: ProviderName, policy: BreakerPolicy, now?: () => Date): CircuitBreaker {
  const key = `${provider} ${policy.failureThreshold} ${policy.cooldownSeconds}`;
  let breaker = breakers.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker(provider, policy, now ? () => now().getTime() : Date.now);
    breakers.set(key, breaker);
  }
  return breaker;
}

/** Every breaker's state, for metrics and tests. */
export function breakerStates(): Record<string, string> {
  return Object.fromEntries([...breakers.values()].map((b) => [b.provider, b.state]));
}
