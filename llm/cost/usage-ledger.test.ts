// The ledger: appends survive concurrent writers, sums follow the UTC day and month, and torn lines are skipped.
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { periodBounds, UsageLedger, type UsageRecord } from './usage-ledger.js';

let dir: string;
let ledger: UsageLedger;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qlf-ledger-'));
  ledger = new UsageLedger(join(dir, 'llm', 'usage.jsonl'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function record(at: string, costUsd: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    at,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    inputTokens: 1000,
    outputTokens: 500,
    costUsd,
    agent: 'domain',
    cached: false,
    ...extra,
  };
}

describe('UsageLedger', () => {
  it('appends one JSON line per call, `at` first, and reads them back', async () => {
    await ledger.append(record('2026-03-01T10:00:00.000Z', 0.0105, { brief: 'payments' }));
    await ledger.append(record('2026-03-01T11:00:00.000Z', 0, { cached: true }));
    const lines = readFileSync(ledger.file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.startsWith('{"at":"2026-03-01T10:00:00.000Z","provider":"anthropic"')).toBe(true);
    expect(lines[2]).toBe('');
    expect((await ledger.records()).map((r) => [r.costUsd, r.cached, r.brief])).toEqual([
      [0.0105, false, 'payments'],
      [0, true, undefined],
    ]);
  });

  it('refuses a malformed record instead of writing it', async () => {
    await expect(ledger.append(record('yesterday', 1))).rejects.toThrow();
    await expect(ledger.append(record('2026-03-01T10:00:00.000Z', -1))).rejects.toThrow();
    expect(await ledger.records()).toEqual([]);
  });

  it('sums the current UTC month or day, to the micro-dollar', async () => {
    for (const [at, cost] of [
      ['2026-02-28T23:59:59.999Z', 5],
      ['2026-03-01T00:00:00.000Z', 0.1],
      ['2026-03-15T12:00:00.000Z', 0.2],
      ['2026-03-31T23:59:59.999Z', 0.000001],
      ['2026-04-01T00:00:00.000Z', 7],
    ] as const) {
      await ledger.append(record(at, cost));
    }
    expect(await ledger.spentIn('month', new Date('2026-03-20T08:00:00Z'))).toBe(0.300001);
    expect(await ledger.spentIn('day', new Date('2026-03-15T23:00:00Z'))).toBe(0.2);
    expect(await ledger.spentIn('day', new Date('2026-03-16T00:00:00Z'))).toBe(0);
  });

  it('is empty before the first call', async () => {
    expect(await ledger.spentIn('month', new Date())).toBe(0);
  });

  it('skips a torn last line, and keeps a whole record written after a torn one', async () => {
    await ledger.append(record('2026-03-01T10:00:00.000Z', 1));
    appendFileSync(ledger.file, '{"at":"2026-03-01T11:00:00.000Z","provider":"anth');
    const now = new Date('2026-03-02T00:00:00Z');
    expect(await ledger.spentIn('month', now)).toBe(1);
    await ledger.append(record('2026-03-01T12:00:00.000Z', 2));
    expect(await ledger.spentIn('month', now)).toBe(3);
    writeFileSync(ledger.file, `${readFileSync(ledger.file, 'utf8')}not json\n{"at": 3}\n`);
    expect(await ledger.spentIn('month', now)).toBe(3);
  });

  it('keeps every record whole when several processes append at once', async () => {
    // Each child loads the real UsageLedger (through jiti, which the project already uses to load TypeScript config).
    const moduleUrl = new URL('./usage-ledger.ts', import.meta.url).href;
    const script = `
      const { createJiti } = await import('jiti');
      const { UsageLedger } = await createJiti(import.meta.url).import(${JSON.stringify(moduleUrl)});
      const ledger = new UsageLedger(process.argv[1]);
      await Promise.all(Array.from({ length: 100 }, (_, i) => ledger.append({
        at: new Date(Date.UTC(2026, 2, 1, 0, 0, i % 60)).toISOString(), provider: 'openai', model: 'gpt-4.1',
        inputTokens: i, outputTokens: 1, costUsd: 0.000001, brief: 'b'.repeat(3000), agent: 'compile', cached: false,
      })));
    `;
    const run = promisify(execFile);
    await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', script, ledger.file])),
    );
    const lines = readFileSync(ledger.file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(400);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(await ledger.spentIn('month', new Date('2026-03-05T00:00:00Z'))).toBe(0.0004);
  });
});

describe('periodBounds', () => {
  it('gives the UTC day and month around a time', () => {
    const now = new Date('2026-12-31T23:30:00-02:00');
    expect(periodBounds('day', now)).toEqual({ start: Date.UTC(2027, 0, 1), end: Date.UTC(2027, 0, 2) });
    expect(periodBounds('month', now)).toEqual({ start: Date.UTC(2027, 0, 1), end: Date.UTC(2027, 1, 1) });
  });
});
