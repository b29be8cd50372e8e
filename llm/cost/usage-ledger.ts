// The record of every LLM call and what it cost: an append-only JSON-lines file shared by every qlf process of a
// workspace, read back to check the budget. One `appendFile` (O_APPEND) per record, so concurrent writers never
// interleave inside a line; a crash mid-write can only leave a torn last line, which readers skip.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { promptAgent, providerName } from '../../schemas/llm.js';

const usageRecordSchema = z.object({
  /** When the call ended, ISO 8601 UTC. */
  at: z.iso.datetime(),
  provider: providerName,
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** 0 for an answer served from the response cache. */
  costUsd: z.number().nonnegative(),
  /** The brief the call was made for, when there is one. */
  brief: z.string().optional(),
  agent: promptAgent,
  /** Served from the response cache: recorded so reports show the saving, costs nothing. */
  cached: z.boolean(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;

export type BudgetPeriod = 'day' | 'month';

/** Every record starts with this (`at` is written first), which lets a reader find a record after a torn line. */
const RECORD_START = '{"at":';

/** The record as one line, `at` first. */
function recordLine(record: UsageRecord): string {
  const { at, provider, model, inputTokens, outputTokens, costUsd, brief, agent, cached } = record;
  return `${JSON.stringify({ at, provider, model, inputTokens, outputTokens, costUsd, brief, agent, cached })}\n`;
}

function parseLine(line: string): UsageRecord | undefined {
  try {
    const parsed = usageRecordSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Start (inclusive) and end (exclusive) of the UTC day or month holding `now`, in epoch milliseconds. */
export function periodBounds(period: BudgetPeriod, now: Date): { start: number; end: number } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (period === 'month') return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  const day = now.getUTCDate();
  return { start: Date.UTC(year, month, day), end: Date.UTC(year, month, day + 1) };
}

export class UsageLedger {
  /** @param file the ledger's path; qlf keeps it at `<cacheDir>/../llm/usage.jsonl`. */
  constructor(readonly file: string) {}

  /** Appends one record; safe while other processes append to the same file. */
  async append(record: UsageRecord): Promise<void> {
    const valid = usageRecordSchema.parse(record);
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, recordLine(valid), { flag: 'a' });
  }

  /** Every readable record in file order; a missing ledger is empty, unreadable lines are skipped. */
  async records(): Promise<UsageRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records: UsageRecord[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      // A torn line from a crashed writer runs into the next record; the record after it is still whole.
      const record = parseLine(line) ?? parseLine(line.slice(Math.max(0, line.lastIndexOf(RECORD_START))));
      if (record) records.push(record);
    }
    return records;
  }

  /** USD spent in the current UTC day or month, to the micro-dollar. */
  async spentIn(period: BudgetPeriod, now: Date): Promise<number> {
    const { start, end } = periodBounds(period, now);
    let micro = 0;
    for (const record of await this.records()) {
      const at = Date.parse(record.at);
      if (at >= start && at < end) micro += Math.round(record.costUsd * 1e6);
    }
    return micro / 1e6;
  }
}
