// `qlf preview up`: renders a brief into its own namespace for one branch, with a throwaway PostgreSQL whose
// credentials live only on the cluster, applies it, and says where it runs and until when.
import { isQlfError, workError } from '../../../core/errors.js';
import type { BuildResult } from '../../../schemas/build-result.js';
import type { DeployConfig } from '../../../schemas/config.js';
import type { IR } from '../../../schemas/ir.js';
import { type AppliedObject, applyObjects, type KubeObject, type ObjectRef } from '../apply/index.js';
import type { KubeClient } from '../apply/kube-client.js';
import { serviceNames } from '../render/names.js';
import type { RenderedObject } from '../render/types.js';
import { validateObjects } from '../render/validate.js';
import { renderDeployment, type SecretContract } from '../render.js';
import { type ClusterOptions, clientFor } from './cluster.js';
import { previewDatabaseSecret } from './database-secret.js';
import { previewMetadata } from './labels.js';
import { previewHost, previewNamespace } from './naming.js';
import { scopeToPreview } from './scope.js';
import { parseTtl } from './ttl.js';

export interface PreviewUpOptions extends ClusterOptions {
  /** The compiled brief (`<outDir>/<name>/ir.json`). */
  ir: IR;
  /** The build result (`<outDir>/<name>/build/build.json`); without it the image is `qlf/<name>:latest`. */
  build?: BuildResult;
  /** `config.deploy`. */
  deploy: DeployConfig;
  qlfVersion: string;
  /** The branch, raw: it names the namespace and is recorded as it is. */
  branch: string;
  /** Who the preview belongs to, raw (an email local part, a user name). */
  owner: string;
  /** Commit id, when known. */
  commit?: string;
  /** Lifetime from `now`. @default parseTtl(deploy.preview.ttl) */
  ttlMs?: number;
  /** @default new Date() */
  now?: Date;
  /** Server-side dry run of every write: validated by the API server, nothing changes. @default false */
  dryRun?: boolean;
  /** Server-side apply `force`. @default false */
  force?: boolean;
  /** Longest wait for the migration Job and for each rollout. @default 300000 */
  timeoutMs?: number;
  /** Pause between status polls. @default 1000 */
  pollMs?: number;
  /** One line per step; never carries a credential. */
  onProgress?: (line: string) => void;
}

export interface PreviewUpResult {
  brief: string;
  namespace: string;
  url: string;
  branch: string;
  owner: string;
  commit?: string;
  expiresAt: string;
  /** `throwaway`: a PostgreSQL in the namespace; `shared`: DATABASE_URL from `<name>-secrets`; `none`: SQLite in the pod. */
  database: 'throwaway' | 'shared' | 'none';
  /** The throwaway database's Secret: credentials made now, or kept from the existing Secret. */
  databaseSecret?: 'created' | 'kept';
  applied: AppliedObject[];
  pruned: ObjectRef[];
  dryRun: boolean;
  /** The renderer's warnings and Secrets the pods read that the namespace does not have yet. */
  warnings: string[];
}

export async function previewUp(options: PreviewUpOptions): Promise<PreviewUpResult> {
  const { ir, deploy } = options;
  const onProgress = options.onProgress ?? (() => {});
  const namespace = previewNamespace(ir.name, options.branch);
  const host = previewHost(namespace, deploy);
  const now = options.now ?? new Date();
  const ttlMs = options.ttlMs ?? parseTtl(deploy.preview.ttl, 'deploy.preview.ttl');
  const facts = {
    brief: ir.name,
    branch: options.branch,
    owner: options.owner,
    ...(options.commit ? { commit: options.commit } : {}),
    url: `https://${host}`,
    expiresAt: new Date(now.getTime() + ttlMs),
  };
  const metadata = previewMetadata(facts);

  const rendered = renderDeployment({
    ir,
    ...(options.build ? { build: options.build } : {}),
    config: deploy,
    qlfVersion: options.qlfVersion,
    preview: {
      namespace,
      host,
      labels: metadata.labels,
      annotations: metadata.annotations,
      database: deploy.preview.sharedDatabase ? 'shared' : 'throwaway',
    },
  });
  const objects = scopeToPreview(rendered.objects, namespace, metadata.namespaceLabels);
  assertValid(objects);

  const client = clientFor(options);
  const names = serviceNames(ir.name);
  const throwaway = rendered.secrets.some((secret) => secret.name === names.previewDbSecret);
  const common = objects.find((object) => object.kind === 'ServiceAccount')?.metadata;
  const secret = throwaway
    ? await previewDatabaseSecret({
        client,
        name: names.previewDbSecret,
        namespace,
        host: names.previewDb,
        labels: { ...common?.labels, ...metadata.namespaceLabels },
        annotations: { ...common?.annotations },
      })
    : undefined;
  if (secret) onProgress(`database credentials: ${secret.kept ? 'kept from the existing Secret' : 'new'}`);
  const others = rendered.secrets.filter((contract) => contract.name !== names.previewDbSecret);
  const warnings = [...rendered.warnings, ...(await missingSecrets(client, namespace, others))];
  for (const warning of warnings) onProgress(`warning: ${warning}`);

  const applied = await applyObjects(secret ? [...objects, secret.object] : objects, {
    kubeConfig: options.kubeConfig,
    brief: namespace,
    namespace,
    ...(options.dryRun ? { dryRunServer: true } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    onProgress,
  });
  return {
    brief: ir.name,
    namespace,
    url: applied.url ?? facts.url,
    branch: options.branch,
    owner: options.owner,
    ...(options.commit ? { commit: options.commit } : {}),
    expiresAt: facts.expiresAt.toISOString(),
    database: throwaway ? 'throwaway' : others.some((c) => c.keys.includes('DATABASE_URL')) ? 'shared' : 'none',
    ...(secret ? { databaseSecret: secret.kept ? 'kept' : 'created' } : {}),
    applied: applied.applied,
    pruned: applied.pruned,
    dryRun: applied.dryRun,
    warnings,
  };
}

function assertValid(objects: KubeObject[]): void {
  const problems = validateObjects(objects as RenderedObject[]);
  if (problems.length > 0) {
    throw workError(
      'E_DEPLOY_INVALID',
      `${problems.length} rendered preview object(s) fail the Kubernetes schema:\n${problems.map((p) => `  ${p}`).join('\n')}`,
      { hint: 'This is a qlf bug: report it with the brief and the branch name.' },
    );
  }
}

/**
 * The Secrets the pods read that the preview namespace lacks (every one on a first `up`): the rollout waits until
 * they exist, so each warning says how to create it.
 */
async function missingSecrets(client: KubeClient, namespace: string, contracts: SecretContract[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const contract of contracts) {
    try {
      await client.read({ apiVersion: 'v1', kind: 'Secret', metadata: { name: contract.name, namespace } });
    } catch (error) {
      if (!isQlfError(error) || !['E_KUBE_NOT_FOUND', 'E_KUBE_NAMESPACE_MISSING'].includes(error.code)) throw error;
      const literals = contract.keys.map((key) => `--from-literal=${key}=...`).join(' ');
      warnings.push(
        `the pods read Secret "${contract.name}" (${contract.keys.join(', ')}), which namespace "${namespace}" does ` +
          `not have: the rollout waits until it exists; create it with \`kubectl -n ${namespace} create secret generic ${contract.name} ${literals}\``,
      );
    }
  }
  return warnings;
}
