// Reads the audit log and its rotated files, newest record first; lines that do not parse (torn by a crash, or
// written by a newer qlf) are counted and skipped.
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type AuditRecord, auditRecordSchema } from './record.js';

export interface AuditQuery {
  /** Only records that started at or after this time. */
  since?: Date;
  /** Only records naming this brief (in their briefs, capsules or deploys). */
  brief?: string;
  /** At most this many records (the newest). */
  limit?: number;
}

export interface AuditLog {
  records: AuditRecord[];
  /** Lines skipped as unreadable. */
  skipped: number;
  /** Files read, oldest first. */
  files: string[];
}

/** `<file>.<N>` rotations beside `file`, oldest (highest N) first, then `file` itself. */
export async function auditLogFiles(file: string): Promise<string[]> {
  const base = basename(file);
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  const rotated = names
    .map((name) => ({ name, index: name.startsWith(`${base}.`) ? Number(name.slice(base.length + 1)) : Number.NaN }))
    .filter(({ index }) => Number.isInteger(index) && index > 0)
    .sort((a, b) => b.index - a.index)
    .map(({ name }) => join(dirname(file), name));
  return [...rotated, ...(names.includes(base) ? [file] : [])];
}

/** The records of one file's text in the order written, and how many lines were unreadable. */
export function parseAuditLines(text: string): { records: AuditRecord[]; skipped: number } {
  const records: AuditRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = auditRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

function mentions(record: AuditRecord, brief: string): boolean {
  return (
    record.briefs.some((b) => b.name === brief) ||
    record.capsules.some((c) => c.brief === brief) ||
    record.deploys.some((d) => d.brief === brief)
  );
}

/** The records of the log at `file` and its rotations matching `query`, newest first. */
export async function readAuditLog(file: string, query: AuditQuery = {}): Promise<AuditLog> {
  const files = await auditLogFiles(file);
  const all: AuditRecord[] = [];
  let skipped = 0;
  for (const path of files) {
    const text = await readFile(path, 'utf8').catch(() => '');
    const parsed = parseAuditLines(text);
    all.push(...parsed.records);
    skipped += parsed.skipped;
  }
  const since = query.since?.getTime();
  const records = all
    .reverse()
    .filter((record) => since === undefined || Date.parse(record.startedAt) >= since)
    .filter((record) => query.brief === undefined || mentions(record, query.brief));
  return { records: query.limit === undefined ? records : records.slice(0, query.limit), skipped, files };
}
