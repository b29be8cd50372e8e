// Costs are micro-dollar exact and deterministic; estimates never come out below the real cost.
import { describe, expect, it } from 'vitest';
import { estimateCost } from './budget.js';
import { costOf, formatUsd } from './cost.js';

const sonnet = { inputPerMTok: 3, outputPerMTok: 15 };
const mini = { inputPerMTok: 0.15, outputPerMTok: 0.6 };

describe('costOf', () => {
  it.each([
    [sonnet, 1_000_000, 0, 3],
    [sonnet, 0, 1_000_000, 15],
    [sonnet, 12_345, 6_789, 0.13887],
    [mini, 1_234, 567, 0.000525],
    [mini, 1, 0, 0],
    [mini, 0, 0, 0],
  ])('%o with %i in, %i out → %f USD', (price, inputTokens, outputTokens, usd) => {
    expect(costOf(price, { inputTokens, outputTokens })).toBe(usd);
  });

  it('has at most 6 decimals', () => {
    const usd = costOf({ inputPerMTok: 2.5, outputPerMTok: 10 }, { inputTokens: 3_333, outputTokens: 7_777 });
    expect(Math.round(usd * 1e6) / 1e6).toBe(usd);
    expect(usd).toBe(0.086103);
  });
});

describe('estimateCost', () => {
  it('counts a token per 3 characters and the full output allowance, rounded up', () => {
    expect(estimateCost(sonnet, 30_000, 16_000)).toBe(0.27);
    expect(estimateCost(mini, 1_000, 1_000)).toBe(0.000651);
    expect(estimateCost(mini, 1, 0)).toBe(0.000001);
  });

  it('is never below the cost of a call that used all its output at 3 characters a token', () => {
    for (const chars of [1, 2, 3, 100, 9_999, 123_457]) {
      const estimate = estimateCost(mini, chars, 4_000);
      expect(estimate).toBeGreaterThanOrEqual(costOf(mini, { inputTokens: Math.ceil(chars / 3), outputTokens: 4_000 }));
    }
  });
});

describe('formatUsd', () => {
  it('shows cents, or four decimals below a cent', () => {
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0042)).toBe('$0.0042');
  });
});
