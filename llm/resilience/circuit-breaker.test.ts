// Breaker transitions on a fake clock: closed, open after repeated failures, half-open after the cooldown, closed again.
import { describe, expect, it } from 'vitest';
import { LlmCallError } from '../types.js';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker.js';

function setUp(failureThreshold = 3, cooldownSeconds = 60) {
  const clock = { now: 1_000_000 };
  const breaker = new CircuitBreaker('anthropic', { failureThreshold, cooldownSeconds }, () => clock.now);
  return { clock, breaker };
}

const outage = () => Promise.reject(new LlmCallError('anthropic', 'server', 'anthropic answered 529: Overloaded'));
const refused = () => Promise.reject(new LlmCallError('anthropic', 'bad-request', 'anthropic answered 404: no model'));
const answer = () => Promise.resolve('ok');

async function failTimes(breaker: CircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) await breaker.call(outage).catch(() => undefined);
}

describe('CircuitBreaker', () => {
  it('opens after failureThreshold failed calls in a row and then refuses without calling', async () => {
    const { breaker } = setUp(3);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    let called = false;
    const refusal = await breaker
      .call(async () => {
        called = true;
      })
      .catch((error: unknown) => error);
    expect(called).toBe(false);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect(refusal).toMatchObject({ provider: 'anthropic', retryInMs: 60_000 });
    expect(breaker.describe()).toContain('next try in 60 s');
  });

  it('counts only failures in a row', async () => {
    const { breaker } = setUp(3);
    await failTimes(breaker, 2);
    await breaker.call(answer);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
  });

  it('does not count refused requests, which prove the provider is up', async () => {
    const { breaker } = setUp(2);
    await failTimes(breaker, 1);
    await breaker.call(refused).catch(() => undefined);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('lets one trial call through after the cooldown, and closes when it succeeds', async () => {
    const { clock, breaker } = setUp(1, 30);
    await failTimes(breaker, 1);
    clock.now += 29_999;
    expect(breaker.state).toBe('open');
    clock.now += 1;
    expect(breaker.state).toBe('half-open');
    let release = (_: string) => {};
    const trial = breaker.call(() => new Promise<string>((resolve) => (release = resolve)));
    await expect(breaker.call(answer)).rejects.toBeInstanceOf(CircuitOpenError);
    release('ok');
    await expect(trial).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('opens for a whole new cooldown when the trial call fails', async () => {
    const { clock, breaker } = setUp(1, 30);
    await failTimes(breaker, 1);
    clock.now += 30_000;
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    clock.now += 29_000;
    expect(breaker.state).toBe('open');
    clock.now += 1_000;
    expect(breaker.state).toBe('half-open');
  });

  it('stays half-open when the trial ends with an error that says nothing of the provider', async () => {
    const { clock, breaker } = setUp(1, 10);
    await failTimes(breaker, 1);
    clock.now += 10_000;
    await breaker.call(() => Promise.reject(new Error('run stopped'))).catch(() => undefined);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.call(answer)).resolves.toBe('ok');
  });

  it('lets another trial through when one never reported back within a cooldown', () => {
    const { clock, breaker } = setUp(1, 10);
    breaker.failed();
    clock.now += 10_000;
    expect(breaker.allows()).toBe(true);
    expect(breaker.allows()).toBe(false);
    clock.now += 10_000;
    expect(breaker.allows()).toBe(true);
  });

  it('is not held open longer by calls that were already running when it opened', async () => {
    const { clock, breaker } = setUp(1, 10);
    let failLate = () => {};
    const late = breaker.call(
      () => new Promise<never>((_, reject) => (failLate = () => reject(new LlmCallError('anthropic', 'timeout', 't')))),
    );
    await failTimes(breaker, 1);
    clock.now += 9_000;
    failLate();
    await late.catch(() => undefined);
    clock.now += 1_000;
    expect(breaker.state).toBe('half-open');
  });
});
