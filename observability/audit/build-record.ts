// Turns what a command has at its end (the run's task results, deploy targets, an error) into an audit record.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isQlfError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { qlfVersion } from '../../core/package-info.js';
import type { RunTotals, TaskResult } from '../../graph/events.js';
import { briefOutDir } from '../../graph/publish.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { AuditBrief, AuditCapsule, AuditCommand, AuditDeploy, AuditIdentity, AuditRecord } from './record.js';
import { AUDIT_RECORD_VERSION } from './record.js';
import { redactText, safeUrl } from './redact.js';

/** What a command ran through the task graph: `RunResult` or the part of it a command kept. */
export interface AuditRunPart {
  tasks: readonly TaskResult[];
  totals?: RunTotals;
  interrupted?: boolean;
}

export interface BuildAuditRecordInput {
  config: ResolvedConfig;
  command: AuditCommand;
  action?: string;
  who: AuditIdentity;
  startedAt: Date;
  endedAt: Date;
  result?: AuditRunPart;
  deploys?: readonly AuditDeploy[];
  /** What the command threw, if it did. */
  error?: unknown;
  /** The command's exit code, when it returned one. */
  exitCode?: number;
}

/** The briefs of a run with their task hashes per stage, in the order the run reported them. */
export function auditBriefs(tasks: readonly TaskResult[]): AuditBrief[] {
  const byName = new Map<string, AuditBrief>();
  for (const task of tasks) {
    let brief = byName.get(task.brief);
    if (!brief) {
      brief = { name: task.brief, stages: [], ran: [], cached: [], failed: [], skipped: [] };
      byName.set(task.brief, brief);
    }
    brief.stages.push({
      stage: task.stage,
      hash: task.hash,
      status: task.status,
      ...(task.cache ? { cache: task.cache } : {}),
      ...(task.errorCode ? { errorCode: task.errorCode } : {}),
    });
    const list = { success: brief.ran, cached: brief.cached, failed: brief.failed, skipped: brief.skipped }[
      task.status
    ];
    list.push(task.stage);
  }
  return [...byName.values()];
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The capsule of each brief whose package task succeeded or was restored in this run. A deploy task counts too: a run
 * through `deploy` packages first, and `qlf deploy`/`qlf preview` keep only their deploy tasks of it.
 */
export async function auditCapsules(config: ResolvedConfig, tasks: readonly TaskResult[]): Promise<AuditCapsule[]> {
  const capsules: AuditCapsule[] = [];
  const done = (task: TaskResult) =>
    (task.stage === 'package' || task.stage === 'deploy') && (task.status === 'success' || task.status === 'cached');
  const packaged = [...new Set(tasks.filter(done).map((task) => task.brief))];
  for (const brief of packaged) {
    const dir = join(briefOutDir(config, brief), 'package');
    const manifestText = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => undefined);
    if (manifestText === undefined) continue;
    const archive = (await readdir(dir).catch(() => [] as string[])).find((name) => name.endsWith('.qlcapsule'));
    let signed: boolean | undefined;
    try {
      signed = (JSON.parse(manifestText) as { signature?: { signed?: boolean } }).signature?.signed;
    } catch {}
    capsules.push({
      brief,
      file: archive ?? 'manifest.json',
      // manifest.json is written as the canonical text the provenance's subject digest covers.
      digest: `sha256:${sha256(manifestText)}`,
      ...(archive ? { fileDigest: await fileDigest(join(dir, archive)) } : {}),
      ...(signed === undefined ? {} : { signed }),
    });
  }
  return capsules;
}

function outcomeOf(input: BuildAuditRecordInput): AuditRecord['outcome'] {
  if (input.result?.interrupted || input.exitCode === 130) return 'interrupted';
  if (input.error !== undefined) return 'error';
  if (input.exitCode !== undefined) return input.exitCode === 0 ? 'success' : 'failed';
  const totals = input.result?.totals;
  return totals && totals.failed + totals.skipped > 0 ? 'failed' : 'success';
}

function errorOf(error: unknown): AuditRecord['error'] {
  if (error === undefined) return undefined;
  const message = redactText(error instanceof Error ? error.message : String(error));
  return isQlfError(error) ? { code: error.code, message } : { message };
}

/** A deploy target with URLs made safe and a target still pending marked by how the command ended. */
function settleDeploy(deploy: AuditDeploy, failed: boolean): AuditDeploy {
  return {
    ...deploy,
    ...(deploy.server ? { server: safeUrl(deploy.server) } : {}),
    ...(deploy.url ? { url: safeUrl(deploy.url) } : {}),
    outcome: deploy.outcome === 'pending' ? (failed ? 'failed' : 'applied') : deploy.outcome,
  };
}

export async function buildAuditRecord(input: BuildAuditRecordInput): Promise<AuditRecord> {
  const tasks = input.result?.tasks ?? [];
  const totals = input.result?.totals;
  const outcome = outcomeOf(input);
  const error = errorOf(input.error);
  return {
    v: AUDIT_RECORD_VERSION,
    id: randomBytes(8).toString('hex'),
    command: input.command,
    ...(input.action ? { action: input.action } : {}),
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    durationMs: Math.max(0, input.endedAt.getTime() - input.startedAt.getTime()),
    qlfVersion: qlfVersion(),
    who: input.who,
    outcome,
    ...(error ? { error } : {}),
    ...(totals
      ? {
          totals: {
            tasks: totals.tasks,
            ran: totals.success,
            cached: totals.cached,
            failed: totals.failed,
            skipped: totals.skipped,
          },
        }
      : {}),
    briefs: auditBriefs(tasks),
    capsules: await auditCapsules(input.config, tasks),
    deploys: (input.deploys ?? []).map((deploy) => settleDeploy(deploy, outcome !== 'success')),
  };
}
