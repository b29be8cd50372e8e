// Reservations: calls checked at the same time cannot together pass the limit.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isQlfError } from '../../core/errors.js';
import { ownerStamp } from '../../core/owner-stamp.js';
import { reserveBudget } from './budget.js';
import { UsageLedger } from './usage-ledger.js';

const now = new Date('2026-03-15T12:00:00Z');
const budget = { period: 'month' as const, warnUsd: 80, limitUsd: 1 };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-reserve-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reserveBudget', () => {
  it('lets only as many concurrent calls through as the limit holds', async () => {
    const ledger = new UsageLedger(join(dir, 'usage.jsonl'));
    const tries = await Promise.allSettled(
      Array.from({ length: 5 }, () => reserveBudget({ ledger, budget, estimateUsd: 0.4, now })),
    );
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(2);
    const refused = tries.filter((t) => t.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.every((t) => isQlfError(t.reason) && t.reason.code === 'E_LLM_BUDGET')).toBe(true);
    expect(await ledger.spentIn('month', now)).toBe(0.8);
  });

  it('a settled reservation counts its real cost; a released one counts nothing', async () => {
    const ledger = new UsageLedger(join(dir, 'usage.jsonl'));
    const first = await reserveBudget({ ledger, budget, estimateUsd: 0.6, now });
    const second = await reserveBudget({ ledger, budget, estimateUsd: 0.3, now });
    await ledger.append({
      at: now.toISOString(),
      provider: 'openai',
      model: 'gpt-4.1',
      inputTokens: 10,
      outputTokens: 10,
      costUsd: 0.05,
      agent: 'domain',
      cached: false,
      settles: first.reservation,
    });
    await ledger.release(second.reservation, now);
    expect(await ledger.spentIn('month', now)).toBe(0.05);
    expect((await readFile(ledger.file, 'utf8')).split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('a reservation of a process that is gone counts nothing (a killed run does not eat the budget)', async () => {
    const ledger = new UsageLedger(join(dir, 'usage.jsonl'));
    await ledger.reserve({ at: now.toISOString(), reserve: 'a'.repeat(16), estimateUsd: 0.9, owner: 'p999999999t1' });
    await ledger.reserve({ at: now.toISOString(), reserve: 'b'.repeat(16), estimateUsd: 0.2, owner: ownerStamp() });
    expect(await ledger.spentIn('month', now)).toBe(0.2);
  });
});
