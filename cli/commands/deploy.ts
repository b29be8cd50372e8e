// `qlf deploy [paths...]`: renders each brief's Kubernetes objects through the task graph (cached, like `qlf run
// --stage deploy`), then applies them to the cluster of the kubeconfig with server-side apply, waits for the migration
// Job and the rollout, prunes what qlf applied earlier and no longer renders, and prints the URL. Applying is never
// served from a cache.
import { join } from 'node:path';
import { briefOutDir } from '../../graph/publish.js';
import {
  type AuditSession,
  describeKubeTarget,
  renderedNamespace,
  startAudit,
} from '../../observability/audit/index.js';
import { loadConfig } from '../../workspace/config.js';
import { type CommandContext, defineCommand, type OptionSpec } from '../command.js';
import { parseDuration } from '../duration.js';
import { clusterOptions, renderDeploy } from './render-deploy.js';

const options = {
  json: { type: 'boolean', description: 'Print what was applied and pruned as JSON on stdout.' },
  verbose: { type: 'boolean', short: 'v', description: 'Print more detail.' },
  'dry-run': {
    type: 'boolean',
    description: 'Server-side dry run (dryRun=All): validated by the API server, nothing changes.',
  },
  force: { type: 'boolean', description: 'Take over fields another field manager owns (server-side apply force).' },
  ...clusterOptions,
  timeout: {
    type: 'string',
    description: 'Longest wait for the migration Job and for the rollout (default 5m).',
    valueName: 'duration',
  },
} as const satisfies Record<string, OptionSpec>;

type DeployContext = CommandContext<typeof options>;

export default defineCommand({
  name: 'deploy',
  summary: 'Render and apply briefs to Kubernetes',
  usage: 'deploy [paths...] [options]',
  details: [
    'Renders each brief (the cached `deploy` stage: <outDir>/<name>/deploy/), then applies the objects to the cluster',
    'of the kubeconfig (KUBECONFIG, ~/.kube/config or in-cluster) with server-side apply (field manager qlf): the',
    'migration Job first and to completion, then the workload, waiting for its rollout. Objects qlf applied earlier for',
    'the brief and no longer renders are deleted; nothing without qlf labels is ever touched.',
    '',
    'Examples:',
    '  qlf deploy services/payments',
    '  qlf deploy services/payments --dry-run      the API server validates everything; nothing changes',
    '  qlf deploy --context staging --timeout 10m',
    '',
    'Exit code: 0 deployed, 1 a task, the apply or the rollout failed, 2 bad input.',
  ].join('\n'),
  options,
  run(ctx) {
    const audit = startAudit('deploy');
    return audit.around(() => deploy(ctx, audit), ctx.out.info);
  },
});

/** The cluster the kubeconfig picks, for the audit log; nothing when it cannot be read (applying then says why). */
async function kubeTarget(values: { kubeconfig?: string | undefined; context?: string | undefined }) {
  try {
    const { loadKubeConfig } = await import('../../executors/deploy/apply/index.js');
    return describeKubeTarget(
      loadKubeConfig({
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
        ...(values.context ? { context: values.context } : {}),
      }),
    );
  } catch {
    return values.context ? { context: values.context } : {};
  }
}

async function deploy({ values, positionals, out, cwd }: DeployContext, audit: AuditSession): Promise<number> {
  const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
  const config = await loadConfig(cwd);
  audit.useConfig(config);
  const tasks = await renderDeploy({
    config,
    cwd,
    out,
    paths: positionals,
    json: values.json,
    verbose: values.verbose,
  });
  if (!tasks) return 1;
  audit.useTasks(tasks);
  const briefs = [...new Set(tasks.map((task) => task.brief))].sort();
  if (briefs.length === 0) {
    out.print('No briefs matched: nothing to deploy.');
    return 0;
  }
  const results = [];
  const cluster = await kubeTarget(values);
  for (const brief of briefs) {
    const deployDir = join(briefOutDir(config, brief), 'deploy');
    const target = audit.target({
      brief,
      ...(await renderedNamespace(deployDir)),
      ...cluster,
      dryRun: values['dry-run'] === true,
    });
    const say = (line: string) => (values.json ? out.info : out.print)(`${brief}: ${line}`);
    const result = await (await import('../../executors/deploy/deploy.js')).applyRendered({
      deployDir,
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      ...(values['dry-run'] ? { dryRunServer: true } : {}),
      ...(values.force ? { force: true } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      onProgress: say,
    });
    Object.assign(target, { outcome: 'applied', applied: result.applied.length, pruned: result.pruned.length });
    if (result.url) target.url = result.url;
    results.push({ brief, ...result });
    if (!values.json) {
      const pruned =
        result.pruned.length > 0 ? `, ${result.dryRun ? 'would prune' : 'pruned'} ${result.pruned.length}` : '';
      out.print(
        `${out.style.green('✔')} ${brief} ${result.dryRun ? 'validated (dry run)' : 'deployed'}: ${result.applied.length} objects${pruned}${result.url ? ` → ${result.url}` : ''}`,
      );
    }
  }
  if (values.json) out.json({ deployed: results });
  return 0;
}
