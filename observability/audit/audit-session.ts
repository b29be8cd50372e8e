// What `qlf deploy` and `qlf preview` gather while they work (config, render tasks, deploy targets) for the record
// written when they end, whether they return or throw.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../../graph/events.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { AuditCommand, AuditDeploy } from './record.js';
import { recordRun } from './record-run.js';
import { safeUrl } from './redact.js';

/** The part of a kubeconfig (`@kubernetes/client-node`'s `KubeConfig`) that names the target. */
export interface KubeTargetSource {
  getCurrentContext(): string;
  getCurrentCluster(): { name: string; server: string } | null;
}

/** Context, cluster and API server (credentials stripped) of a kubeconfig. */
export function describeKubeTarget(kube: KubeTargetSource): Pick<AuditDeploy, 'context' | 'cluster' | 'server'> {
  const context = kube.getCurrentContext();
  const cluster = kube.getCurrentCluster();
  return {
    ...(context ? { context } : {}),
    ...(cluster?.name ? { cluster: cluster.name } : {}),
    ...(cluster?.server ? { server: safeUrl(cluster.server) } : {}),
  };
}

export interface AuditSession {
  /** The config once loaded: without it nothing is recorded (the command failed before knowing the workspace). */
  useConfig(config: ResolvedConfig): void;
  useTasks(tasks: readonly TaskResult[]): void;
  /** Adds a target, `pending` until `settle`; the returned object may be updated in place. */
  target(deploy: Omit<AuditDeploy, 'outcome'> & { outcome?: AuditDeploy['outcome'] }): AuditDeploy;
  /** Runs the command and records how it ended; its exit code or error passes through. */
  around(command: () => Promise<number>, warn: (line: string) => void): Promise<number>;
}

/** Starts the audit of one command; `around` writes its record when it ends. */
export function startAudit(
  command: AuditCommand,
  options: { action?: string; env?: NodeJS.ProcessEnv } = {},
): AuditSession {
  const startedAt = new Date();
  let config: ResolvedConfig | undefined;
  let tasks: readonly TaskResult[] = [];
  const deploys: AuditDeploy[] = [];
  const finish = async (end: { exitCode?: number; error?: unknown }, warn: (line: string) => void) => {
    if (!config) return;
    await recordRun({ config, command, startedAt, result: { tasks }, deploys, warn, ...options, ...end });
  };
  const session: AuditSession = {
    useConfig: (loaded) => {
      config = loaded;
    },
    useTasks: (used) => {
      tasks = used;
    },
    target: (deploy) => {
      const entry: AuditDeploy = { outcome: 'pending', ...deploy };
      deploys.push(entry);
      return entry;
    },
    async around(run, warn) {
      let exitCode: number;
      try {
        exitCode = await run();
      } catch (error) {
        await finish({ error }, warn);
        throw error;
      }
      await finish({ exitCode }, warn);
      return exitCode;
    },
  };
  return session;
}

/** The namespace the deploy stage rendered into `deployDir` (from its `deploy.json`), when it says. */
export async function renderedNamespace(deployDir: string): Promise<{ namespace?: string }> {
  try {
    const manifest = JSON.parse(await readFile(join(deployDir, 'deploy.json'), 'utf8')) as {
      objects?: { kind: string; name: string; namespace?: string }[];
    };
    const objects = manifest.objects ?? [];
    const namespace =
      objects.find((object) => object.kind === 'Namespace')?.name ??
      objects.find((object) => object.namespace)?.namespace;
    return namespace ? { namespace } : {};
  } catch {
    return {};
  }
}
