// The audit writer: rotation by size keeps `keep` files, a torn line is skipped by readers and never swallows the next
// record.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLogFiles, parseAuditLines } from './reader.js';
import { appendAuditRecord } from './writer.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-audit-writer-'));
  file = join(dir, 'audit', 'audit.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean);

describe('appendAuditRecord', () => {
  it('appends one JSON line per record, creating the folder', async () => {
    await appendAuditRecord(file, { n: 1 }, { maxBytes: 1024, keep: 2 });
    await appendAuditRecord(file, { n: 2 }, { maxBytes: 1024, keep: 2 });
    expect(await readFile(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('rotates at maxBytes and keeps `keep` rotated files, dropping the oldest', async () => {
    const pad = 'x'.repeat(80); // ~100 bytes a line: 3 lines fit under 350 bytes
    for (let n = 0; n < 30; n++) await appendAuditRecord(file, { n, pad }, { maxBytes: 350, keep: 3 });
    const files = await auditLogFiles(file);
    expect(files.map((path) => path.slice(dir.length + 1))).toEqual([
      join('audit', 'audit.jsonl.3'),
      join('audit', 'audit.jsonl.2'),
      join('audit', 'audit.jsonl.1'),
      join('audit', 'audit.jsonl'),
    ]);
    const kept: number[] = [];
    for (const path of files) {
      const text = await readFile(path, 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(350);
      kept.push(...(await lines(path)).map((line) => (JSON.parse(line) as { n: number }).n));
    }
    // The newest 12 records (4 files of 3), in order; the rest went with the dropped files.
    expect(kept).toEqual([18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  });

  it('closes a torn last line so the next record stays whole, and readers skip the torn one', async () => {
    await appendAuditRecord(file, { n: 1 }, { maxBytes: 4096, keep: 2 });
    await appendFile(file, '{"n":2,"half'); // a writer that died mid-write
    await appendAuditRecord(file, { n: 3 }, { maxBytes: 4096, keep: 2 });
    const text = await readFile(file, 'utf8');
    expect(text).toBe('{"n":1}\n{"n":2,"half\n{"n":3}\n');
    // Not audit records, so all three are skipped by the schema; the torn one is skipped by JSON itself.
    const parsed = parseAuditLines(text);
    expect(parsed.records).toEqual([]);
    expect(parsed.skipped).toBe(3);
  });

  it('does not leave its lock file behind', async () => {
    await appendAuditRecord(file, { n: 1 }, { maxBytes: 4096, keep: 2 });
    expect((await auditLogFiles(file)).length).toBe(1);
    await expect(readFile(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
