// `qlf preview up | list | down | gc`: one namespace per brief and branch, with its own host and a throwaway
// PostgreSQL, labelled with who made it and until when, so that `gc` can delete the expired ones and nothing else.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { inputError } from '../../core/errors.js';
import { qlfVersion } from '../../core/package-info.js';
import type { PreviewInfo } from '../../executors/deploy/preview/index.js';
import { discoverBriefs } from '../../graph/discover-briefs.js';
import { briefOutDir } from '../../graph/publish.js';
import { type AuditSession, describeKubeTarget, startAudit } from '../../observability/audit/index.js';
import type { BuildResult } from '../../schemas/build-result.js';
import { loadConfig, type ResolvedConfig } from '../../workspace/config.js';
import { type CommandContext, defineCommand } from '../command.js';
import { parseDuration } from '../duration.js';
import type { Output } from '../output.js';
import { clusterOptions, renderDeploy } from './render-deploy.js';

const ACTIONS = ['up', 'list', 'down', 'gc'] as const;
type Action = (typeof ACTIONS)[number];

const options = {
  branch: { type: 'string', description: 'up, down: the branch (default: the checked-out one).', valueName: 'name' },
  ttl: {
    type: 'string',
    description: 'up: lifetime, e.g. 30m, 24h, 3d (default: deploy.preview.ttl).',
    valueName: 'ttl',
  },
  owner: {
    type: 'string',
    description: 'up: owner (default: git user.email local part, else $USER).',
    valueName: 'name',
  },
  namespace: {
    type: 'string',
    description: 'down: the preview namespace, instead of <brief> and --branch.',
    valueName: 'name',
  },
  brief: { type: 'string', description: 'list: only previews of this brief.', valueName: 'name' },
  'dry-run': { type: 'boolean', description: 'up, down, gc: server-side dry run; nothing changes.' },
  force: { type: 'boolean', description: 'up: take over fields another field manager owns.' },
  timeout: {
    type: 'string',
    description: 'up: longest wait for the migration and the rollouts (default 5m).',
    valueName: 'duration',
  },
  'ignore-not-found': { type: 'boolean', description: 'down: a preview that is already gone is not an error.' },
  ...clusterOptions,
} as const;

const ACCEPTS: Record<Action, (keyof typeof options)[]> = {
  up: ['branch', 'ttl', 'owner', 'dry-run', 'force', 'timeout', 'kubeconfig', 'context'],
  list: ['brief', 'kubeconfig', 'context'],
  down: ['branch', 'namespace', 'dry-run', 'ignore-not-found', 'kubeconfig', 'context'],
  gc: ['dry-run', 'kubeconfig', 'context'],
};

type Context = CommandContext<typeof options>;

const usage = (message: string) =>
  inputError('E_USAGE', message, { hint: 'Run `qlf preview --help` for the accepted forms.' });

async function kubeConfigOf(values: Context['values']) {
  const { loadKubeConfig } = await import('../../executors/deploy/apply/index.js');
  return loadKubeConfig({
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
  });
}

/** A brief name, or a path holding exactly one brief, → the brief's name. */
async function briefName(config: ResolvedConfig, argument: string, cwd: string): Promise<string> {
  if (!argument.includes('/') && !existsSync(resolve(cwd, argument))) return argument;
  const briefs = await discoverBriefs(config, { paths: [argument], cwd });
  if (briefs.length !== 1) {
    const found =
      briefs.length === 0 ? 'no brief' : `${briefs.length} briefs (${briefs.map((b) => b.name).join(', ')})`;
    throw usage(`qlf preview takes one brief; ${argument} holds ${found}`);
  }
  return (briefs[0] as { name: string }).name;
}

async function up({ values, positionals, out, cwd }: Context, audit?: AuditSession): Promise<number> {
  const preview = await import('../../executors/deploy/preview/index.js');
  const [argument, ...extra] = positionals;
  if (!argument || extra.length > 0) throw usage('qlf preview up takes one brief (its name or its path)');
  const config = await loadConfig(cwd);
  audit?.useConfig(config);
  const ttlMs = values.ttl
    ? preview.parseTtl(values.ttl)
    : preview.parseTtl(config.deploy.preview.ttl, 'deploy.preview.ttl');
  const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
  const name = await briefName(config, argument, cwd);
  const branch = values.branch ?? (await preview.currentBranch(cwd));
  const namespace = preview.previewNamespace(name, branch); // bad names fail before the graph runs
  const kubeConfig = await kubeConfigOf(values);
  const say = values.json ? out.info : out.print;

  const tasks = await renderDeploy({ config, cwd, out, only: [name], json: values.json, verbose: values.verbose });
  if (!tasks) return 1;
  audit?.useTasks(tasks);
  const target = audit?.target({
    brief: name,
    namespace,
    ...describeKubeTarget(kubeConfig),
    dryRun: !!values['dry-run'],
  });
  const task = tasks.find((result) => result.brief === name);
  if (!task) {
    throw inputError('E_PREVIEW_BRIEF', `there is no brief named "${name}" in this workspace`, {
      hint: 'Pass a brief name from `qlf graph`, or the path of its brief file.',
    });
  }
  const dir = briefOutDir(config, name);
  const { irSchema } = await import('../../schemas/ir.js');
  const ir = irSchema.parse(JSON.parse(await readFile(join(dir, 'ir.json'), 'utf8')));
  const buildText = await readFile(join(dir, 'build', 'build.json'), 'utf8').catch(() => undefined);
  const commit = await preview.currentCommit(cwd);
  const result = await preview.previewUp({
    ir,
    ...(buildText ? { build: JSON.parse(buildText) as BuildResult } : {}),
    deploy: config.deploy,
    qlfVersion: qlfVersion(),
    branch,
    owner: values.owner ?? (await preview.defaultOwner(cwd)),
    ...(commit ? { commit } : {}),
    ttlMs,
    kubeConfig,
    ...(values['dry-run'] ? { dryRun: true } : {}),
    ...(values.force ? { force: true } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    onProgress: (line) => {
      // The render warnings the deploy task just printed, the preview's render repeats.
      if (!(line.startsWith('warning: ') && task.terminalOutput.includes(line))) say(`${name}: ${line}`);
    },
  });
  if (target) {
    const { applied, pruned, url } = result;
    Object.assign(target, {
      outcome: 'applied',
      namespace: result.namespace,
      url,
      applied: applied.length,
      pruned: pruned.length,
    });
  }
  if (values.json) {
    out.json({ preview: result });
    return 0;
  }
  const verb = result.dryRun ? 'validated (dry run)' : 'is up';
  out.print(`${out.style.green('✔')} preview ${result.namespace} ${verb}: ${out.style.bold(result.url)}`);
  out.print(`  ${name} @ ${branch}, owner ${result.owner}, expires ${result.expiresAt}`);
  out.print(`  remove it: qlf preview down ${name} --branch ${JSON.stringify(branch)}`);
  return 0;
}

/** `42m`, `2h59m`, `3d4h`: two units at most, as `kubectl get` shows ages. */
function duration(seconds: number): string {
  const minutes = Math.floor(Math.abs(seconds) / 60);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor(minutes / 60) % 24, minutes % 60];
  if (d > 0) return h > 0 ? `${d}d${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h${m}m` : `${h}h`;
  return `${m}m`;
}

function expiry(info: PreviewInfo): string {
  if (info.remainingSeconds === undefined) return 'never';
  return info.expired ? `expired ${duration(info.remainingSeconds)} ago` : `in ${duration(info.remainingSeconds)}`;
}

function printTable(previews: PreviewInfo[], out: Output): void {
  const rows = [
    ['NAMESPACE', 'BRIEF', 'BRANCH', 'OWNER', 'AGE', 'EXPIRES', 'STATUS', 'URL'],
    ...previews.map((p) => [
      p.namespace,
      p.brief ?? '-',
      p.branch ?? '-',
      p.owner ?? '-',
      p.ageSeconds === undefined ? '-' : duration(p.ageSeconds),
      expiry(p),
      p.status,
      p.url ?? '-',
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows)
    out.print(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

async function list({ values, positionals, out, cwd }: Context): Promise<number> {
  if (positionals.length > 0) throw usage('qlf preview list takes no arguments; filter with --brief');
  const { listPreviews } = await import('../../executors/deploy/preview/index.js');
  const config = await loadConfig(cwd);
  const previews = await listPreviews({
    kubeConfig: await kubeConfigOf(values),
    ...(values.brief ? { brief: values.brief } : {}),
    baseDomain: config.deploy.preview.baseDomain ?? config.deploy.baseDomain,
  });
  if (values.json) out.json({ previews });
  else if (previews.length === 0) out.print('No previews.');
  else printTable(previews, out);
  return 0;
}

async function down({ values, positionals, out, cwd }: Context, audit?: AuditSession): Promise<number> {
  const preview = await import('../../executors/deploy/preview/index.js');
  const [argument, ...extra] = positionals;
  if (extra.length > 0 || (argument === undefined) === (values.namespace === undefined)) {
    throw usage('qlf preview down takes a brief (with --branch, default the checked-out one) or --namespace');
  }
  if (values.namespace && values.branch) throw usage('--branch goes with a brief, not with --namespace');
  const config = await loadConfig(cwd);
  audit?.useConfig(config);
  const brief = argument === undefined ? undefined : await briefName(config, argument, cwd);
  const namespace =
    values.namespace ?? preview.previewNamespace(brief as string, values.branch ?? (await preview.currentBranch(cwd)));
  const kubeConfig = await kubeConfigOf(values);
  const target = audit?.target({
    ...(brief ? { brief } : {}),
    namespace,
    ...describeKubeTarget(kubeConfig),
    dryRun: !!values['dry-run'],
  });
  const result = await preview.deletePreview({
    kubeConfig,
    namespace,
    ...(values['dry-run'] ? { dryRun: true } : {}),
    ...(values['ignore-not-found'] ? { ignoreNotFound: true } : {}),
  });
  if (target) target.outcome = result.outcome;
  if (values.json) out.json(result);
  else if (result.outcome === 'missing') out.print(`No preview namespace ${namespace}: nothing to delete.`);
  else if (result.outcome === 'terminating') out.print(`Preview namespace ${namespace} is already being deleted.`);
  else
    out.print(`${out.style.green('✔')} ${result.dryRun ? 'would delete' : 'deleted'} preview namespace ${namespace}`);
  return 0;
}

async function gc({ values, positionals, out, cwd }: Context, audit?: AuditSession): Promise<number> {
  if (positionals.length > 0) throw usage('qlf preview gc takes no arguments');
  audit?.useConfig(await loadConfig(cwd));
  const { collectExpiredPreviews } = await import('../../executors/deploy/preview/index.js');
  const kubeConfig = await kubeConfigOf(values);
  const result = await collectExpiredPreviews({
    kubeConfig,
    ...(values['dry-run'] ? { dryRun: true } : {}),
    onProgress: (line) => (values.json ? out.info : out.print)(line),
  });
  const cluster = describeKubeTarget(kubeConfig);
  for (const { namespace, brief } of result.deleted) {
    audit?.target({ ...(brief ? { brief } : {}), namespace, ...cluster, dryRun: result.dryRun, outcome: 'deleted' });
  }
  for (const { namespace } of result.failed) audit?.target({ namespace, ...cluster, outcome: 'failed' });
  for (const failure of result.failed) out.info(`${out.style.red('error')} ${failure.code}: ${failure.message}`);
  if (values.json) out.json(result);
  else {
    const verb = result.dryRun ? 'would delete' : 'deleted';
    out.print(`${verb} ${result.deleted.length} expired preview(s); kept ${result.kept.length}`);
  }
  return result.failed.length > 0 ? 1 : 0;
}

const handlers: Record<Action, (ctx: Context, audit?: AuditSession) => Promise<number>> = { up, list, down, gc };

export default defineCommand({
  name: 'preview',
  summary: 'Preview environments: one namespace per brief and branch',
  usage: 'preview up <brief> | list | down <brief>|--namespace <ns> | gc [options]',
  details: [
    'up    renders the brief (the cached task graph up to deploy) into namespace <brief>-<branch>-<hash> with host',
    '      <namespace>.<deploy.preview.baseDomain ?? deploy.baseDomain>, creates the throwaway PostgreSQL and its',
    '      Secret (credentials only on the cluster, kept on later runs), applies, waits and prints the URL.',
    'list  the preview namespaces: brief, branch, owner, age, expiry, status and URL.',
    'down  deletes one preview namespace and everything in it; refuses a namespace without the qlf preview labels.',
    'gc    deletes every qlf preview whose expiry (label qlf.dev/expires) has passed; nothing else.',
    '',
    'Examples:',
    '  qlf preview up payments --branch "$GITHUB_HEAD_REF" --ttl 3d',
    '  qlf preview list --brief payments',
    '  qlf preview down payments --branch feat/refunds',
    '  qlf preview gc --dry-run',
    '',
    'Exit code: 0 done, 1 the work failed (a task, the apply, a delete), 2 bad input.',
  ].join('\n'),
  options,
  async run(ctx) {
    const [action, ...rest] = ctx.positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) {
      throw usage(`unknown preview action ${JSON.stringify(action ?? '')}; use ${ACTIONS.join(', ')}`);
    }
    const accepted = new Set<string>(ACCEPTS[action as Action]);
    const stray = Object.keys(options).filter(
      (name) => ctx.values[name as keyof typeof options] !== undefined && !accepted.has(name),
    );
    if (stray.length > 0) {
      throw usage(`qlf preview ${action} does not take ${stray.map((name) => `--${name}`).join(', ')}`);
    }
    const handler = handlers[action as Action];
    if (action === 'list') return handler({ ...ctx, positionals: rest });
    // up, down and gc change the cluster: each is recorded in the audit log, however it ends.
    const audit = startAudit('preview', { action });
    return audit.around(() => handler({ ...ctx, positionals: rest }, audit), ctx.out.info);
  },
});
