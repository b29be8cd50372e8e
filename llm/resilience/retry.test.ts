// Backoff bounds, Retry-After, and which failures are retried at all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LlmCallError, type LlmFailureKind } from '../types.js';
import { RETRY_AFTER_CAP_FACTOR, retryDelay, withRetry } from './retry.js';

const policy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 4_000 };
const fail = (kind: LlmFailureKind, retryAfterMs?: number) =>
  new LlmCallError('openai', kind, `openai: ${kind}`, { retryAfterMs });

/** An attempt function that fails with the given errors in turn, then answers. */
function scripted(errors: Error[]) {
  const calls: number[] = [];
  const attempt = async (n: number) => {
    calls.push(n);
    const error = errors[n - 1];
    if (error) throw error;
    return `answer ${n}`;
  };
  return { attempt, calls };
}

function recorder(random = 0.5) {
  const slept: number[] = [];
  const retries: [string, number, number][] = [];
  return {
    slept,
    retries,
    hooks: {
      sleep: async (ms: number) => void slept.push(ms),
      random: () => random,
      onRetry: (error: LlmCallError, delayMs: number, attempt: number) =>
        void retries.push([error.kind, delayMs, attempt]),
    },
  };
}

describe('withRetry', () => {
  it('returns the first answer without waiting', async () => {
    const { attempt, calls } = scripted([]);
    const { slept, hooks } = recorder();
    await expect(withRetry(attempt, policy, hooks)).resolves.toBe('answer 1');
    expect(calls).toEqual([1]);
    expect(slept).toEqual([]);
  });

  it('retries failures that may pass, with exponential full-jitter backoff', async () => {
    const { attempt, calls } = scripted([fail('server'), fail('timeout'), fail('network')]);
    const { slept, retries, hooks } = recorder(0.5);
    await expect(withRetry(attempt, policy, hooks)).resolves.toBe('answer 4');
    expect(calls).toEqual([1, 2, 3, 4]);
    expect(slept).toEqual([250, 500, 1000]);
    expect(retries).toEqual([
      ['server', 250, 1],
      ['timeout', 500, 2],
      ['network', 1000, 3],
    ]);
  });

  it('throws the last failure once maxAttempts are used', async () => {
    const last = fail('rate-limit');
    const { attempt, calls } = scripted([fail('server'), fail('server'), fail('server'), last]);
    await expect(withRetry(attempt, policy, recorder().hooks)).rejects.toBe(last);
    expect(calls).toHaveLength(4);
  });

  it.each(['auth', 'bad-request'] as const)('does not retry %s', async (kind) => {
    const { attempt, calls } = scripted([fail(kind)]);
    await expect(withRetry(attempt, policy, recorder().hooks)).rejects.toMatchObject({ kind });
    expect(calls).toEqual([1]);
  });

  it('does not retry errors that are not LLM call failures', async () => {
    const { attempt, calls } = scripted([new TypeError('a bug')]);
    await expect(withRetry(attempt, policy, recorder().hooks)).rejects.toThrow('a bug');
    expect(calls).toEqual([1]);
  });

  it('waits at least as long as Retry-After asks', async () => {
    const { attempt } = scripted([fail('rate-limit', 3_000)]);
    const { slept, hooks } = recorder(0);
    await withRetry(attempt, policy, hooks);
    expect(slept).toEqual([3_000]);
  });

  it('gives up at once when Retry-After is beyond the cap, rather than wait', async () => {
    const tooLong = fail('rate-limit', policy.maxDelayMs * RETRY_AFTER_CAP_FACTOR + 1);
    const { attempt, calls } = scripted([tooLong]);
    const { slept, hooks } = recorder();
    await expect(withRetry(attempt, policy, hooks)).rejects.toBe(tooLong);
    expect(calls).toEqual([1]);
    expect(slept).toEqual([]);
  });

  it('makes a single attempt when maxAttempts is 1', async () => {
    const { attempt, calls } = scripted([fail('server')]);
    await expect(withRetry(attempt, { ...policy, maxAttempts: 1 }, recorder().hooks)).rejects.toMatchObject({
      kind: 'server',
    });
    expect(calls).toEqual([1]);
  });
});

describe('retryDelay', () => {
  it('stays within [retryAfter, max(cap, retryAfter)] and under the exponential ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }),
        (n, baseDelayMs, maxDelayMs, random, retryAfterMs) => {
          const p = { maxAttempts: 10, baseDelayMs, maxDelayMs };
          const delay = retryDelay(fail('rate-limit', retryAfterMs), n, p, random);
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1));
          if (retryAfterMs === undefined) return delay !== undefined && delay >= 0 && delay <= ceiling;
          if (retryAfterMs > maxDelayMs * RETRY_AFTER_CAP_FACTOR) return delay === undefined;
          return delay !== undefined && delay >= retryAfterMs && delay <= Math.max(ceiling, retryAfterMs);
        },
      ),
    );
  });

  it('reaches the cap and no further', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => retryDelay(fail('server'), n, policy, 0.999_999));
    expect(delays.map((d) => Math.round(d ?? -1))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });
});
