// Prune: objects this brief deployed before that the new render no longer has. Only objects carrying both qlf labels.
import { isQlfError } from '../../../core/errors.js';
import { objectRef, refKey, renderedKinds } from './kinds.js';
import type { KubeClient } from './kube-client.js';
import type { ObjectRef } from './types.js';

export const briefLabel = 'qlf.dev/brief';
export const managedByLabel = 'app.kubernetes.io/managed-by';

export interface PruneScope {
  brief: string;
  namespace: string;
  /** `refKey`s of everything just applied. */
  keep: ReadonlySet<string>;
}

export type PruneCandidate = ObjectRef & { apiVersion: string };

/** Lists every rendered kind by the brief's labels and returns what is not in `keep`, last-applied kinds first. */
export async function findPruneCandidates(client: KubeClient, scope: PruneScope): Promise<PruneCandidate[]> {
  const selector = `${briefLabel}=${scope.brief},${managedByLabel}=qlf`;
  const candidates: PruneCandidate[] = [];
  for (const { kind, apiVersion, namespaced } of [...renderedKinds].reverse()) {
    const namespace = namespaced ? scope.namespace : undefined;
    const live = await listOrNothing(() => client.list(apiVersion, kind, namespace, selector));
    for (const object of live) {
      const labels = object.metadata.labels ?? {};
      const ref = { kind, name: object.metadata.name, namespace: object.metadata.namespace };
      // The selector already filters; checking again means a server that ignores it still cannot make us delete.
      const ours = labels[briefLabel] === scope.brief && labels[managedByLabel] === 'qlf';
      const protectedNamespace = kind === 'Namespace' && ref.name === scope.namespace;
      const terminating = Boolean(object.metadata.deletionTimestamp);
      if (ours && !protectedNamespace && !terminating && !scope.keep.has(refKey(ref))) {
        candidates.push({ ...ref, apiVersion });
      }
    }
  }
  return candidates;
}

/** Deletes the candidates in order; the first failure stops the prune and is thrown. */
export async function pruneObjects(
  client: KubeClient,
  candidates: readonly PruneCandidate[],
  onProgress: (line: string) => void,
): Promise<ObjectRef[]> {
  const pruned: ObjectRef[] = [];
  for (const candidate of candidates) {
    await client.delete(candidate, false);
    pruned.push(objectRef(candidate.kind, candidate.name, candidate.namespace));
    onProgress(`${candidate.kind.toLowerCase()}/${candidate.name} pruned`);
  }
  return pruned;
}

/** A kind the cluster does not serve (e.g. autoscaling/v2 on an old cluster) has nothing to prune. */
async function listOrNothing<T>(list: () => Promise<T[]>): Promise<T[]> {
  try {
    return await list();
  } catch (error) {
    if (isQlfError(error) && error.code === 'E_KUBE_UNKNOWN_KIND') return [];
    throw error;
  }
}
