// The apply engine: server-side apply in kind order, wait for the migration and the rollout, then prune what is gone.
import { inputError, isQlfError } from '../../../core/errors.js';
import { inSpan } from '../../../observability/tracing/index.js';
import { componentLabel, objectRef, refKey, renderedKind, sortForApply } from './kinds.js';
import { KubeClient } from './kube-client.js';
import { findPruneCandidates, pruneObjects } from './prune.js';
import type { AppliedObject, ApplyOptions, ApplyResult, KubeObject } from './types.js';
import { type WaitOptions, waitForJob, waitForRollout } from './wait.js';

/** The migration Job's label; the renderer marks it with the component label, which counts too. */
export const migrationRole = { label: 'qlf.dev/role', value: 'migration' } as const;

const defaults = Object.freeze({
  timeoutMs: 300_000,
  pollMs: 1_000,
  requestTimeoutMs: 30_000,
}) satisfies Partial<ApplyOptions>;

/**
 * Server-side applies `objects` (field manager `qlf`), waits for the migration Job and the Deployment rollout, then
 * deletes the brief's labelled objects that are no longer rendered. Nothing is deleted when any step fails.
 */
export function applyObjects(objects: readonly KubeObject[], options: ApplyOptions): Promise<ApplyResult> {
  const attributes = {
    'qlf.brief': options.brief,
    'k8s.namespace.name': options.namespace,
    'qlf.deploy.dry_run': options.dryRunServer ?? false,
  };
  return inSpan('qlf.deploy.apply', attributes, async (span) => {
    const result = await applyAll(objects, options);
    span.setAttributes({ 'qlf.deploy.applied': result.applied.length, 'qlf.deploy.pruned': result.pruned.length });
    return result;
  });
}

async function applyAll(objects: readonly KubeObject[], options: ApplyOptions): Promise<ApplyResult> {
  const dryRun = options.dryRunServer ?? false;
  const onProgress = options.onProgress ?? (() => {});
  const ordered = placeInNamespace(sortForApply(objects), options.namespace);
  const client = KubeClient.fromConfig(options.kubeConfig, options.requestTimeoutMs ?? defaults.requestTimeoutMs);
  const wait: WaitOptions = {
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    pollMs: options.pollMs ?? defaults.pollMs,
    onProgress,
  };

  const applied = await applyInOrder(client, ordered, { dryRun, force: options.force ?? false, wait });
  const candidates = await findPruneCandidates(client, {
    brief: options.brief,
    namespace: options.namespace,
    keep: new Set(applied.map(refKey)),
  });
  const pruned = dryRun
    ? candidates.map((c) => objectRef(c.kind, c.name, c.namespace))
    : await inSpan('qlf.deploy.prune', { 'qlf.deploy.candidates': candidates.length }, () =>
        pruneObjects(client, candidates, onProgress),
      );
  if (dryRun) for (const ref of pruned) onProgress(`${ref.kind.toLowerCase()}/${ref.name} would be pruned`);
  const url = ingressUrl(ordered);
  return { applied, pruned, dryRun, ...(url ? { url } : {}) };
}

/** Applies each object; a migration Job must succeed before the next object, a Deployment must roll out. */
async function applyInOrder(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: { dryRun: boolean; force: boolean; wait: WaitOptions },
): Promise<AppliedObject[]> {
  const applied: AppliedObject[] = [];
  const dryRunNamespaces = new Set<string>();
  for (const object of objects) {
    const step = { 'k8s.object.kind': object.kind, 'k8s.object.name': object.metadata.name };
    const { created, note } = await inSpan('qlf.deploy.apply_object', step, async (span) => {
      const outcome = await applyOne(client, object, options, dryRunNamespaces);
      span.setAttribute('qlf.deploy.created', outcome.created);
      return outcome;
    });
    applied.push({ ...objectRef(object.kind, object.metadata.name, object.metadata.namespace), created });
    if (options.dryRun && created && object.kind === 'Namespace') dryRunNamespaces.add(object.metadata.name);
    const suffix = options.dryRun ? ` (server dry run${note ? `; ${note}` : ''})` : '';
    options.wait.onProgress(
      `${object.kind.toLowerCase()}/${object.metadata.name} ${created ? 'created' : 'configured'}${suffix}`,
    );
    if (options.dryRun) continue;
    if (isMigration(object)) await inSpan('qlf.deploy.wait', step, () => waitForJob(client, object, options.wait));
    if (object.kind === 'Deployment') {
      await inSpan('qlf.deploy.wait', step, () => waitForRollout(client, object, options.wait));
    }
  }
  return applied;
}

/**
 * A server dry run cannot admit an object into a namespace that only the same dry run created (the API server's
 * NamespaceLifecycle check), so on a first deploy such objects count as created without server validation.
 */
async function applyOne(
  client: KubeClient,
  object: KubeObject,
  options: { dryRun: boolean; force: boolean },
  dryRunNamespaces: ReadonlySet<string>,
): Promise<{ created: boolean; note?: string }> {
  try {
    return await client.apply(object, options);
  } catch (error) {
    const namespace = object.metadata.namespace;
    if (
      isQlfError(error) &&
      error.code === 'E_KUBE_NAMESPACE_MISSING' &&
      namespace &&
      dryRunNamespaces.has(namespace)
    ) {
      return { created: true, note: 'not validated: the namespace does not exist yet' };
    }
    throw error;
  }
}

function isMigration(object: KubeObject): boolean {
  const labels = object.metadata.labels ?? {};
  return (
    object.kind === 'Job' &&
    (labels[migrationRole.label] === migrationRole.value || labels[componentLabel] === 'migration')
  );
}

/**
 * Copies each object with its namespace set (client-node would otherwise fill in the kubeconfig context's namespace).
 * An object in another namespace is refused: prune only looks in `namespace`, so it could never be cleaned up.
 */
function placeInNamespace(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  const elsewhere = objects.filter((o) => o.metadata.namespace && o.metadata.namespace !== namespace);
  if (elsewhere.length) {
    const list = elsewhere.map((o) => `${o.kind}/${o.metadata.name} (namespace "${o.metadata.namespace}")`).join(', ');
    throw inputError('E_DEPLOY_NAMESPACE', `objects outside the target namespace "${namespace}": ${list}`, {
      hint: `render every object into namespace "${namespace}", or deploy with that namespace`,
    });
  }
  return objects.map((object) => {
    const copy = structuredClone(object);
    if (renderedKind(object.kind)?.namespaced && !copy.metadata.namespace) copy.metadata.namespace = namespace;
    return copy;
  });
}

function ingressUrl(objects: readonly KubeObject[]): string | undefined {
  const ingress = objects.find((o) => o.kind === 'Ingress') as
    | { spec?: { tls?: { hosts?: string[] }[]; rules?: { host?: string }[] } }
    | undefined;
  const host = ingress?.spec?.rules?.find((rule) => rule.host)?.host ?? ingress?.spec?.tls?.[0]?.hosts?.[0];
  return host ? `https://${host}` : undefined;
}
