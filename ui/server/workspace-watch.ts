// Notices runs of other processes (a terminal `qlf run`, `qlf watch`): who holds the workspace's run lock, and when
// the audit log gets a new record (every run and watch cycle writes one as it ends). Polled once a second with stat
// calls and one small read: no watcher to leak, and the same on every platform.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHolder } from '../../core/lock-file.js';
import { ownerAlive } from '../../core/owner-stamp.js';
import { auditLogFile } from '../../observability/audit/index.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { ExternalRun, UiEvent } from '../shared/api.js';

const POLL_MS = 1_000;

/** The live process other than this one holding `<root>/.qlf/run.lock`, if any. */
export async function externalRun(root: string): Promise<ExternalRun | null> {
  const text = await readFile(join(root, '.qlf', 'run.lock'), 'utf8').catch(() => '');
  const holder = parseHolder(text);
  if (!holder || holder.pid === process.pid || !ownerAlive(holder)) return null;
  return { pid: holder.pid };
}

export class WorkspaceWatch {
  private timer?: NodeJS.Timeout;
  private auditStamp?: string;
  private busy = false;
  external: ExternalRun | null = null;

  constructor(
    private readonly config: () => Promise<ResolvedConfig>,
    private readonly send: (event: UiEvent) => void,
  ) {}

  async start(): Promise<void> {
    await this.check(false);
    this.timer = setInterval(() => void this.check(true), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(announce: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const config = await this.config();
      const info = await stat(auditLogFile(config)).catch(() => undefined);
      const auditStamp = info ? `${info.size}:${info.mtimeMs}` : 'none';
      const external = await externalRun(config.root);
      const lockChanged = external?.pid !== this.external?.pid;
      const auditChanged = this.auditStamp !== undefined && auditStamp !== this.auditStamp;
      this.external = external;
      this.auditStamp = auditStamp;
      if (!announce) return;
      if (auditChanged) this.send({ type: 'workspace', external, reason: 'audit' });
      else if (lockChanged) this.send({ type: 'workspace', external, reason: 'lock' });
    } catch {
      // a config that does not load right now is reported by the requests that need it
    } finally {
      this.busy = false;
    }
  }
}
