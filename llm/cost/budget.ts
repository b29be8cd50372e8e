// The spending limit, checked before every call against the usage ledger: a call that could take the period's
// spending past `llm.budget.limitUsd` is never made.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { workError } from '../../core/errors.js';
import { releaseLockFile, tryLockFile } from '../../core/lock-file.js';
import { ownerStamp } from '../../core/owner-stamp.js';
import type { LlmConfig, ModelPrice } from '../../schemas/llm.js';
import { formatUsd, microUsd } from './cost.js';
import type { UsageLedger } from './usage-ledger.js';

export interface BudgetCheckInput {
  ledger: Pick<UsageLedger, 'spentIn'>;
  budget: LlmConfig['budget'];
  /** The pessimistic cost of the call about to be made (`estimateCost`). */
  estimateUsd: number;
  now: Date;
}

export interface BudgetCheck {
  /** Spent so far in the period, before this call. */
  spentUsd: number;
  /** Set when this call could take spending to or past `warnUsd`; the caller shows it (once per run is enough). */
  warn?: string;
}

const PERIOD_WORDS = {
  day: { adjective: 'daily', current: 'today' },
  month: { adjective: 'monthly', current: 'this month' },
};

/**
 * A deliberately pessimistic cost of a call not yet made: a token per 3 characters of prompt (real prompts average
 * nearer 4) and every output token the call may use, rounded up to the micro-dollar. The check must never let a call
 * through that could pass the limit.
 */
export function estimateCost(price: ModelPrice, inputChars: number, maxOutputTokens: number): number {
  const micro = microUsd(price, { inputTokens: Math.ceil(inputChars / 3), outputTokens: maxOutputTokens });
  // Rounding to the nano-dollar first keeps float noise (150.00000000000003) from adding a micro-dollar.
  return Math.ceil(Math.round(micro * 1000) / 1000) / 1e6;
}

/** Spent so far and maybe a warning; throws `E_LLM_BUDGET` when spent + estimate would pass the limit. */
export async function checkBudget(input: BudgetCheckInput): Promise<BudgetCheck> {
  const { budget, estimateUsd } = input;
  const spentUsd = await input.ledger.spentIn(budget.period, input.now);
  const words = PERIOD_WORDS[budget.period];
  // Summed in micro-dollars: 99.9 + 0.1 in floats is a hair over 100 and would refuse a call that fits exactly.
  const after = (Math.round(spentUsd * 1e6) + Math.round(estimateUsd * 1e6)) / 1e6;
  if (after > budget.limitUsd) {
    throw workError(
      'E_LLM_BUDGET',
      `LLM budget: ${formatUsd(spentUsd)} of the ${formatUsd(budget.limitUsd)} ${words.adjective} limit is spent ` +
        `(${words.current}, UTC) and this call could cost up to ${formatUsd(estimateUsd)}, so it was not made; ` +
        'raise llm.budget.limitUsd in qlf.config.ts to allow it',
      {
        hint: `raise llm.budget.limitUsd in qlf.config.ts, lower llm.maxOutputTokens, pick a cheaper model, or wait until the ${budget.period} ends (UTC)`,
      },
    );
  }
  if (after >= budget.warnUsd) {
    return {
      spentUsd,
      warn:
        `LLM budget: ${formatUsd(spentUsd)} of the ${formatUsd(budget.limitUsd)} ${words.adjective} limit is spent ` +
        `(${words.current}, UTC); with this call it could reach ${formatUsd(after)}, past the ${formatUsd(budget.warnUsd)} warning (llm.budget.warnUsd)`,
    };
  }
  return { spentUsd };
}

/** How long a call waits for another process's budget check (milliseconds of checking, not of calls). */
const LOCK_WAIT_MS = 30_000;

/**
 * `checkBudget`, then the estimate set aside in the ledger, both under the ledger's lock: two calls checked at once
 * (two briefs of a run in two workers, two runs) each see the other's reservation, so together they stay under the
 * limit. Returns the reservation to settle (the call's record names it) or release (the call failed).
 */
export async function reserveBudget(
  input: Omit<BudgetCheckInput, 'ledger'> & { ledger: UsageLedger },
): Promise<BudgetCheck & { reservation: string }> {
  const lock = `${input.ledger.file}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let taken = await tryLockFile(lock);
  while (!('nonce' in taken)) {
    if (Date.now() > deadline) {
      throw workError('E_LLM_BUDGET_LOCK', `the LLM usage ledger ${input.ledger.file} stayed locked for 30 s`, {
        hint: `Another qlf process holds ${lock}; if none is running, delete that file.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
    taken = await tryLockFile(lock);
  }
  try {
    const check = await checkBudget(input);
    const reservation = randomBytes(8).toString('hex');
    await input.ledger.reserve({
      at: input.now.toISOString(),
      reserve: reservation,
      estimateUsd: input.estimateUsd,
      owner: ownerStamp(),
    });
    return { ...check, reservation };
  } finally {
    await releaseLockFile(lock, taken.nonce);
  }
}
