// Writes one audit record at the end of a command. Never throws: a record that cannot be written is a warning, never
// a failed run.
import { isAbsolute, resolve } from 'node:path';
import type { ResolvedConfig } from '../../workspace/config.js';
import { type AuditRunPart, buildAuditRecord } from './build-record.js';
import { resolveIdentity } from './identity.js';
import type { AuditCommand, AuditDeploy } from './record.js';
import { appendAuditRecord } from './writer.js';

export interface RecordRunOptions {
  config: ResolvedConfig;
  command: AuditCommand;
  /** The run's result (`RunResult` from `runGraph`), or what the command kept of it. */
  result?: AuditRunPart;
  startedAt: Date;
  /** @default now */
  endedAt?: Date;
  /** Where the identity variables are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** A subcommand, e.g. `up`. */
  action?: string;
  deploys?: readonly AuditDeploy[];
  /** What the command threw, if it did. */
  error?: unknown;
  /** The command's exit code, when it returned one. */
  exitCode?: number;
  /** Gets the warning line when the record could not be written (e.g. `out.info`). */
  warn?: (line: string) => void;
}

export interface RecordRunResult {
  /** Where the record went; undefined when the audit log is off. */
  file?: string;
  written: boolean;
  warning?: string;
}

/** The audit log of the workspace: `observability.audit.file` relative to the root. */
export function auditLogFile(config: ResolvedConfig): string {
  const file = config.observability.audit.file;
  return isAbsolute(file) ? file : resolve(config.root, file);
}

/** Appends the record of one command to the workspace's audit log, when `observability.audit.enabled`. */
export async function recordRun(options: RecordRunOptions): Promise<RecordRunResult> {
  const settings = options.config.observability.audit;
  if (!settings.enabled) return { written: false };
  const file = auditLogFile(options.config);
  try {
    const record = await buildAuditRecord({
      ...options,
      endedAt: options.endedAt ?? new Date(),
      who: await resolveIdentity(options.config.root, options.env ?? process.env),
    });
    await appendAuditRecord(file, record, { maxBytes: settings.maxBytes, keep: settings.keep });
    return { file, written: true };
  } catch (error) {
    const warning = `warning: could not write the audit log ${file}: ${(error as Error).message}`;
    options.warn?.(warning);
    return { file, written: false, warning };
  }
}
