// The record of every LLM call and what it cost: an append-only JSON-lines file shared by every qlf process of a
// workspace, read back to check the budget. One `appendFile` (O_APPEND) per record, so concurrent writers never
// interleave inside a line; a crash mid-write can only leave a torn last line, which readers skip.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ownerAlive, stampedOwner } from '../../core/owner-stamp.js';
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
  /** The reservation this call settles (see `Reservation`). */
  settles: z.string().optional(),
  /** Wall time of the call, retries and failover included (0 for a cached answer). */
  latencyMs: z.number().int().nonnegative().optional(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;

/**
 * Money set aside for a call about to be made, so that calls checked at the same time (two briefs in one run, two
 * runs) cannot together pass the limit: it counts as spent until the call's record settles it, or a `release` line
 * frees it (a failed call), or its process is gone.
 */
const reservationSchema = z.object({
  at: z.iso.datetime(),
  reserve: z.string().regex(/^[0-9a-f]{16}$/),
  estimateUsd: z.number().nonnegative(),
  /** `p<pid>t<start>` of the process that made it. */
  owner: z.string(),
});
export type Reservation = z.infer<typeof reservationSchema>;

const releaseSchema = z.object({ at: z.iso.datetime(), release: z.string() });

export type BudgetPeriod = 'day' | 'month';

/** Every record starts with this (`at` is written first), which lets a reader find a record after a torn line. */
const RECORD_START = '{"at":';

/** The record as one line, `at` first. */
function recordLine(record: UsageRecord): string {
  const { at, provider, model, inputTokens, outputTokens, costUsd, brief, agent, cached, settles, latencyMs } = record;
  const line = { at, provider, model, inputTokens, outputTokens, costUsd, brief, agent, cached, settles, latencyMs };
  return `${JSON.stringify(line)}\n`;
}

type Entry =
  | { kind: 'call'; record: UsageRecord }
  | { kind: 'reserve'; reservation: Reservation }
  | { kind: 'release'; id: string };

function parseEntry(line: string): Entry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const call = usageRecordSchema.safeParse(value);
  if (call.success) return { kind: 'call', record: call.data };
  const reserve = reservationSchema.safeParse(value);
  if (reserve.success) return { kind: 'reserve', reservation: reserve.data };
  const release = releaseSchema.safeParse(value);
  return release.success ? { kind: 'release', id: release.data.release } : undefined;
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

  /** Sets `estimateUsd` aside for a call about to be made (callers hold the ledger's lock: see `reserveBudget`). */
  async reserve(reservation: Reservation): Promise<void> {
    const valid = reservationSchema.parse(reservation);
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(valid)}\n`, { flag: 'a' });
  }

  /** Frees a reservation whose call failed (a settled one needs nothing more). */
  async release(id: string, now: Date): Promise<void> {
    await appendFile(this.file, `${JSON.stringify({ at: now.toISOString(), release: id })}\n`, { flag: 'a' });
  }

  /** Every readable line in file order; a missing ledger is empty, unreadable lines are skipped. */
  private async entries(): Promise<Entry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: Entry[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      // A torn line from a crashed writer runs into the next record; the record after it is still whole.
      const entry = parseEntry(line) ?? parseEntry(line.slice(Math.max(0, line.lastIndexOf(RECORD_START))));
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** Every readable call record in file order. */
  async records(): Promise<UsageRecord[]> {
    return (await this.entries()).flatMap((e) => (e.kind === 'call' ? [e.record] : []));
  }

  /**
   * USD spent in the current UTC day or month, to the micro-dollar: the calls made, plus what open reservations of
   * live processes set aside.
   */
  async spentIn(period: BudgetPeriod, now: Date): Promise<number> {
    const { start, end } = periodBounds(period, now);
    const inPeriod = (at: string) => {
      const time = Date.parse(at);
      return time >= start && time < end;
    };
    const entries = await this.entries();
    const closed = new Set<string>();
    for (const e of entries) {
      if (e.kind === 'release') closed.add(e.id);
      if (e.kind === 'call' && e.record.settles) closed.add(e.record.settles);
    }
    let micro = 0;
    for (const e of entries) {
      if (e.kind === 'call' && inPeriod(e.record.at)) micro += Math.round(e.record.costUsd * 1e6);
      if (e.kind !== 'reserve' || closed.has(e.reservation.reserve) || !inPeriod(e.reservation.at)) continue;
      const owner = stampedOwner(e.reservation.owner);
      if (owner && ownerAlive(owner)) micro += Math.round(e.reservation.estimateUsd * 1e6);
    }
    return micro / 1e6;
  }
}
