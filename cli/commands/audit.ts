// `qlf audit [--since 7d|2026-11-01] [--brief NAME] [--json] [--limit N]`: reads the audit log of runs, newest first.

import { inputError } from '../../core/errors.js';
import { type AuditRecord, auditLogFile, parseSince, readAuditLog } from '../../observability/audit/index.js';
import { loadConfig } from '../../workspace/config.js';
import { defineCommand } from '../command.js';
import type { Output } from '../output.js';

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

function briefsPart(record: AuditRecord): string[] {
  return record.briefs.map((brief) => {
    const parts = [
      brief.ran.length > 0 ? `ran ${brief.ran.join(',')}` : '',
      brief.cached.length > 0 ? `cached ${brief.cached.join(',')}` : '',
      brief.failed.length > 0 ? `failed ${brief.failed.join(',')}` : '',
      brief.skipped.length > 0 ? `skipped ${brief.skipped.join(',')}` : '',
    ].filter(Boolean);
    return `${brief.name}[${parts.join('; ')}]`;
  });
}

function deployPart(deploy: AuditRecord['deploys'][number]): string {
  const where = [
    deploy.namespace ? `ns ${deploy.namespace}` : '',
    deploy.context ? `ctx ${deploy.context}` : '',
    deploy.cluster && deploy.cluster !== deploy.context ? `cluster ${deploy.cluster}` : '',
  ].filter(Boolean);
  const dry = deploy.dryRun ? ' (dry run)' : '';
  return `→ ${deploy.brief ?? deploy.namespace ?? '?'} ${deploy.outcome}${dry}${where.length ? ` (${where.join(', ')})` : ''}`;
}

/** One line per record: time, who, command, outcome, briefs, capsules, deploy targets. */
export function formatAuditRecord(record: AuditRecord, out: Output): string {
  const when = record.startedAt.replace(/\.\d+Z$/, 'Z');
  const command = record.action ? `${record.command} ${record.action}` : record.command;
  const outcome = record.outcome === 'success' ? out.style.green(record.outcome) : out.style.red(record.outcome);
  return [
    when,
    record.who.name,
    command,
    outcome,
    ...briefsPart(record),
    ...record.capsules.map((capsule) => `capsule ${capsule.brief}@${short(capsule.digest)}`),
    ...record.deploys.map(deployPart),
    ...(record.error ? [`error ${record.error.code ?? ''}: ${record.error.message}`.replace(' :', ':')] : []),
  ].join('  ');
}

function parseLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) {
    throw inputError('E_USAGE', `--limit ${JSON.stringify(text)} is not a positive integer`, {
      hint: 'Pass how many records to show, e.g. --limit 20.',
    });
  }
  return limit;
}

export default defineCommand({
  name: 'audit',
  summary: 'Show the audit log of runs',
  usage: 'audit [--since 7d|2026-11-01] [--brief NAME] [--limit N] [--json]',
  details: [
    'Reads observability.audit.file (default .qlf/audit/audit.jsonl) and its rotated files, newest record first:',
    'who ran which command when, its outcome, the briefs with the stages that ran, came from the cache or failed,',
    'capsule digests and deploy targets. --json prints one JSON record per line.',
    '',
    'Examples:',
    '  qlf audit --since 7d',
    '  qlf audit --brief payments --limit 5',
    '  qlf audit --since 2026-11-01 --json',
  ].join('\n'),
  positionals: false,
  options: {
    since: {
      type: 'string',
      description: 'Only records since an age (30m, 12h, 7d, 2w) or a date.',
      valueName: 'when',
    },
    brief: { type: 'string', description: 'Only records naming this brief.', valueName: 'name' },
    limit: { type: 'string', description: 'At most this many records (the newest).', valueName: 'n' },
  },
  async run({ values, out, cwd }) {
    const since = values.since === undefined ? undefined : parseSince(values.since);
    const limit = values.limit === undefined ? undefined : parseLimit(values.limit);
    const config = await loadConfig(cwd);
    const file = auditLogFile(config);
    const log = await readAuditLog(file, {
      ...(since ? { since } : {}),
      ...(values.brief ? { brief: values.brief } : {}),
      ...(limit ? { limit } : {}),
    });
    if (log.skipped > 0) out.info(`warning: skipped ${log.skipped} unreadable line(s) in ${file}`);
    if (values.json) {
      for (const record of log.records) out.print(JSON.stringify(record));
    } else if (log.records.length === 0) {
      out.print(log.files.length === 0 ? `No audit log at ${file}.` : 'No audit records match.');
    } else {
      for (const record of log.records) out.print(formatAuditRecord(record, out));
    }
    return 0;
  },
});
