// What a finished call cost. Amounts are USD rounded to the micro-dollar, so the same usage always gives the same
// number and ledger sums do not drift.
import type { ModelPrice } from '../../schemas/llm.js';
import type { LlmUsage } from '../types.js';

/** Tokens times USD per million tokens is micro-dollars (unrounded). */
export function microUsd(price: ModelPrice, usage: LlmUsage): number {
  return usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok;
}

/** The cost of a finished call in USD, rounded to 6 decimals. */
export function costOf(price: ModelPrice, usage: LlmUsage): number {
  return Math.round(microUsd(price, usage)) / 1e6;
}

/** `$12.34`, or `$0.0042` for amounts under a cent, so a small estimate does not read as free. */
export function formatUsd(usd: number): string {
  return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
