// The kinds qlf renders, in apply order: what the engine sorts by and what prune lists.
import type { KubeObject, ObjectRef } from './types.js';

export interface RenderedKind {
  kind: string;
  apiVersion: string;
  namespaced: boolean;
}

/**
 * Every kind qlf renders, with the apiVersion prune lists it by. No Secret: qlf never renders one, and the Secrets
 * others create for a service (e.g. a preview's database credentials) may carry its labels.
 */
export const renderedKinds: readonly RenderedKind[] = [
  { kind: 'Namespace', apiVersion: 'v1', namespaced: false },
  { kind: 'ServiceAccount', apiVersion: 'v1', namespaced: true },
  { kind: 'ConfigMap', apiVersion: 'v1', namespaced: true },
  { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', namespaced: true },
  { kind: 'Job', apiVersion: 'batch/v1', namespaced: true },
  { kind: 'Deployment', apiVersion: 'apps/v1', namespaced: true },
  { kind: 'Service', apiVersion: 'v1', namespaced: true },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', namespaced: true },
  { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', namespaced: true },
  { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', namespaced: true },
];

export function renderedKind(kind: string): RenderedKind | undefined {
  return renderedKinds.find((entry) => entry.kind === kind);
}

export const componentLabel = 'app.kubernetes.io/component';

/**
 * Apply order. A preview's throwaway PostgreSQL (component `database`) must run before the migration Job that connects
 * to it, so its Deployment and Service have their own place ahead of the Job.
 */
const applyOrder = [
  'Namespace',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'NetworkPolicy',
  'database:Deployment',
  'database:Service',
  'Job',
  'Deployment',
  'Service',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'Ingress',
];

function rank(object: KubeObject): number {
  const component = object.metadata.labels?.[componentLabel];
  const index = applyOrder.indexOf(component === 'database' ? `database:${object.kind}` : object.kind);
  const byKind = index === -1 ? applyOrder.indexOf(object.kind) : index;
  return byKind === -1 ? applyOrder.length : byKind;
}

/** Stable sort by apply order; kinds qlf does not render go last, in the order given. */
export function sortForApply(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => rank(a.object) - rank(b.object) || a.index - b.index)
    .map(({ object }) => object);
}

/** `kind/namespace/name`: identity for comparing applied and live objects. */
export function refKey(ref: { kind: string; name: string; namespace?: string }): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** A reference without an `undefined` namespace key, so results compare and print cleanly. */
export function objectRef(kind: string, name: string, namespace?: string): ObjectRef {
  return namespace ? { kind, name, namespace } : { kind, name };
}
