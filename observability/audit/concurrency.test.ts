// Four processes appending 50 records each at once, through the built writer (`npm run build` first), with a small
// maxBytes so rotation happens under contention: every one of the 200 lines is whole and parseable, none is lost.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-info.js';
import { auditLogFiles } from './reader.js';

const writer = packagePath('dist', 'observability', 'audit', 'writer.js');
const built = existsSync(writer);
if (!built) console.warn('skipped: dist/observability/audit is missing; run `npm run build`');

// Waits for the go file so the four start appending together, then appends its 50 records one after another.
const APPENDER = `
const [writer, file, go, proc] = process.argv.slice(1);
const { appendAuditRecord } = await import(writer);
const { existsSync } = await import('node:fs');
while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 5));
for (let i = 0; i < 50; i++) {
  await appendAuditRecord(file, { proc: Number(proc), i, pad: 'x'.repeat(60) }, { maxBytes: 2048, keep: 50 });
}
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-audit-concurrency-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function appender(file: string, go: string, proc: number): Promise<number | null> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', APPENDER, pathToFileURL(writer).href, file, go, String(proc)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return new Promise((resolve) => child.on('exit', resolve));
}

describe.skipIf(!built)('audit log under concurrent writers', () => {
  it('4 processes × 50 records → 200 whole lines across the log and its rotations', async () => {
    const file = join(dir, 'audit.jsonl');
    const go = join(dir, 'go');
    const children = [0, 1, 2, 3].map((proc) => appender(file, go, proc));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeFile(go, '');
    expect(await Promise.all(children)).toEqual([0, 0, 0, 0]);

    const files = await auditLogFiles(file);
    expect(files.length).toBeGreaterThan(3); // ~100 bytes a line, 2 KiB a file: it rotated several times
    const seen = new Map<number, number[]>();
    for (const path of files) {
      const text = await readFile(path, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
      for (const line of text.split('\n').filter(Boolean)) {
        const record = JSON.parse(line) as { proc: number; i: number };
        seen.set(record.proc, [...(seen.get(record.proc) ?? []), record.i]);
      }
    }
    // Each process's records are all there, and in its own order (oldest file first).
    const all = Array.from({ length: 50 }, (_, i) => i);
    expect([...seen.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const indexes of seen.values()) expect(indexes).toEqual(all);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
