// The last recorded outcome of every stage of every brief, from what qlf itself keeps: the audit log (one record per
// `qlf run`, `qlf watch` cycle and UI run, with each task's status) and the published records (`.qlf/published/`,
// what each stage last published and how long it took). A run in a terminal shows up here when its record lands.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveInside } from '../../core/safe-path.js';
import { readPublishedRecord } from '../../graph/published-record.js';
import { auditLogFile, readAuditLog } from '../../observability/audit/index.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { StageName, StageStatus } from '../shared/api.js';

export type BriefStatuses = Map<string, Partial<Record<StageName, StageStatus>>>;

/** How many audit records to look through: enough for every stage of a workspace run many times over. */
const RECORDS = 500;

let memo: { key: string; statuses: BriefStatuses } | undefined;

/** Per brief, the newest audit entry of each stage (a run narrowed to some stages leaves the others as they were). */
async function auditStatuses(config: ResolvedConfig): Promise<BriefStatuses> {
  const file = auditLogFile(config);
  const info = await stat(file).catch(() => undefined);
  const key = `${file}\0${info?.size}\0${info?.mtimeMs}`;
  if (memo?.key === key) return memo.statuses;
  const statuses: BriefStatuses = new Map();
  if (config.observability.audit.enabled && info) {
    const { records } = await readAuditLog(file, { limit: RECORDS });
    for (const record of records) {
      for (const brief of record.briefs) {
        let stages = statuses.get(brief.name);
        if (!stages) {
          stages = {};
          statuses.set(brief.name, stages);
        }
        for (const entry of brief.stages) {
          const stage = entry.stage as StageName;
          if (stages[stage]) continue;
          stages[stage] = {
            status: entry.status,
            cache: entry.cache ?? null,
            ...(entry.errorCode ? { errorCode: entry.errorCode } : {}),
            at: record.endedAt,
            ...(entry.hash ? { hash: entry.hash } : {}),
          } as StageStatus;
        }
      }
    }
  }
  memo = { key, statuses };
  return statuses;
}

/**
 * The stages of `names` as last recorded. A stage the audit log does not mention (audit off, or records rotated away)
 * but that has a published record shows as a success; durations come from the published record of the same hash.
 */
export async function briefStatuses(config: ResolvedConfig, names: readonly string[]): Promise<BriefStatuses> {
  const fromAudit = await auditStatuses(config);
  const result: BriefStatuses = new Map();
  for (const name of names) {
    const stages: Partial<Record<StageName, StageStatus>> = {};
    const audited = fromAudit.get(name) ?? {};
    let published: ReturnType<typeof readPublishedRecord>['stages'] = {};
    try {
      published = readPublishedRecord(resolveInside(join(config.root, '.qlf', 'published'), `${name}.json`)).stages;
    } catch {
      // a name that is no file name has no record
    }
    for (const [stage, record] of Object.entries(published) as [
      StageName,
      NonNullable<(typeof published)[StageName]>,
    ][]) {
      stages[stage] = { status: 'success', durationMs: record.durationMs };
    }
    for (const [stage, status] of Object.entries(audited) as [StageName, StageStatus & { hash?: string }][]) {
      const { hash, ...rest } = status;
      const record = published[stage];
      stages[stage] = { ...rest, ...(record && record.hash === hash ? { durationMs: record.durationMs } : {}) };
    }
    result.set(name, stages);
  }
  return result;
}
