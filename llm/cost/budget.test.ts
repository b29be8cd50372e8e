// The budget check: refuse a call that could pass the limit, warn once spending could reach the warning level.
import { describe, expect, it } from 'vitest';
import { checkBudget } from './budget.js';
import type { BudgetPeriod } from './usage-ledger.js';

const now = new Date('2026-03-15T12:00:00Z');
const month = { period: 'month' as const, warnUsd: 80, limitUsd: 100 };

/** A ledger that has spent `usd` in any period, and remembers which period it was asked about. */
function ledger(usd: number) {
  const asked: { period: BudgetPeriod; now: Date }[] = [];
  return {
    asked,
    spentIn: async (period: BudgetPeriod, at: Date) => {
      asked.push({ period, now: at });
      return usd;
    },
  };
}

describe('checkBudget', () => {
  it('lets a call through below the warning level, reporting what is spent', async () => {
    const spent = ledger(10);
    expect(await checkBudget({ ledger: spent, budget: month, estimateUsd: 5, now })).toEqual({ spentUsd: 10 });
    expect(spent.asked).toEqual([{ period: 'month', now }]);
  });

  it('warns when the call could take spending to or past warnUsd', async () => {
    const result = await checkBudget({ ledger: ledger(78), budget: month, estimateUsd: 2, now });
    expect(result.spentUsd).toBe(78);
    expect(result.warn).toContain('$78.00 of the $100.00 monthly limit is spent (this month, UTC)');
    expect(result.warn).toContain('llm.budget.warnUsd');
    const past = await checkBudget({ ledger: ledger(90), budget: month, estimateUsd: 1, now });
    expect(past.warn).toBeDefined();
  });

  it('allows a call that lands exactly on the limit, float sums notwithstanding', async () => {
    const result = await checkBudget({ ledger: ledger(99.9), budget: month, estimateUsd: 0.1, now });
    expect(result.spentUsd).toBe(99.9);
  });

  it('refuses a call that could pass the limit, saying what is spent, the limit, the period and what to change', async () => {
    const check = checkBudget({ ledger: ledger(99.5), budget: month, estimateUsd: 0.75, now });
    await expect(check).rejects.toMatchObject({ code: 'E_LLM_BUDGET', kind: 'work' });
    const error = (await check.catch((caught: unknown) => caught)) as Error & { hint: string };
    expect(error.message).toContain('$99.50 of the $100.00 monthly limit is spent (this month, UTC)');
    expect(error.message).toContain('could cost up to $0.75');
    expect(error.message).toContain('llm.budget.limitUsd');
    expect(error.hint).toContain('llm.budget.limitUsd');
  });

  it('speaks of the day for a daily budget', async () => {
    const daily = { period: 'day' as const, warnUsd: 4, limitUsd: 5 };
    const spent = ledger(5);
    await expect(checkBudget({ ledger: spent, budget: daily, estimateUsd: 0.001, now })).rejects.toThrow(
      '$5.00 of the $5.00 daily limit is spent (today, UTC)',
    );
    expect(spent.asked[0]?.period).toBe('day');
  });

  it('lets a free (cached) call through even at the limit', async () => {
    const result = await checkBudget({ ledger: ledger(100), budget: month, estimateUsd: 0, now });
    expect(result.spentUsd).toBe(100);
  });
});
