// The cluster side of `list`, `down` and `gc`: preview namespaces found by label, read, described and deleted.
import type { KubeConfig } from '@kubernetes/client-node';
import { inputError, isQlfError } from '../../../core/errors.js';
import type { KubeObject } from '../apply/index.js';
import { KubeClient } from '../apply/kube-client.js';
import { expiryOf, missingPreviewLabels, PREVIEW_ANNOTATIONS, PREVIEW_LABELS, previewSelector } from './labels.js';

/** Options every cluster command takes. */
export interface ClusterOptions {
  /** Cluster and credentials, usually from `loadKubeConfig()`. */
  kubeConfig: KubeConfig;
  /** Longest wait for one API request. @default 30000 */
  requestTimeoutMs?: number;
}

export function clientFor(options: ClusterOptions): KubeClient {
  return KubeClient.fromConfig(options.kubeConfig, options.requestTimeoutMs ?? 30_000);
}

type NamespaceObject = KubeObject & {
  metadata: KubeObject['metadata'] & { creationTimestamp?: string | Date; deletionTimestamp?: string | Date };
  status?: { phase?: string };
};

/** One preview as `list` shows it; times as ISO strings, durations in whole seconds. */
export interface PreviewInfo {
  namespace: string;
  brief?: string;
  branch?: string;
  owner?: string;
  commit?: string;
  url?: string;
  /** The namespace phase: `Active`, `Terminating`. */
  status: string;
  createdAt?: string;
  ageSeconds?: number;
  expiresAt?: string;
  /** True once the expiry has passed; false when it has none. */
  expired: boolean;
  /** Until the expiry; negative once past. */
  remainingSeconds?: number;
}

/** Every namespace labelled as a qlf preview (of `brief`, when given), sorted by name. */
export async function previewNamespaces(client: KubeClient, brief?: string): Promise<NamespaceObject[]> {
  const selector = brief ? `${previewSelector},${PREVIEW_LABELS.previewOf}=${brief}` : previewSelector;
  const items = (await client.list('v1', 'Namespace', undefined, selector)) as NamespaceObject[];
  // The selector already filters; checking again means a server that ignores it cannot make us list (or delete) more.
  return items
    .filter((item) => missingPreviewLabels(item.metadata.labels).length === 0)
    .filter((item) => !brief || item.metadata.labels?.[PREVIEW_LABELS.previewOf] === brief)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** The namespace, or undefined when there is none by that name. */
export async function readNamespace(client: KubeClient, name: string): Promise<NamespaceObject | undefined> {
  try {
    return (await client.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) as NamespaceObject;
  } catch (error) {
    if (isQlfError(error) && error.code === 'E_KUBE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Namespaces no label may ever make deletable. */
const SYSTEM_NAMESPACES = /^(default|kube-.*)$/;

/** An input error unless the namespace carries both qlf preview labels (and is no system namespace). */
export function assertPreviewNamespace(namespace: NamespaceObject): void {
  const { name, labels } = namespace.metadata;
  const missing = missingPreviewLabels(labels);
  if (missing.length > 0 || SYSTEM_NAMESPACES.test(name)) {
    const why = missing.length > 0 ? `it lacks the label(s) ${missing.join(', ')}` : 'it is a system namespace';
    throw inputError('E_PREVIEW_NOT_PREVIEW', `namespace "${name}" is not a qlf preview: ${why}; nothing was deleted`, {
      hint: 'qlf deletes only namespaces `qlf preview up` made; list them with `qlf preview list`, delete others with kubectl.',
    });
  }
}

/** Deletes a preview namespace (and with it everything in it) after checking once more that it is one. */
export async function deletePreviewNamespace(client: KubeClient, namespace: NamespaceObject, dryRun: boolean) {
  assertPreviewNamespace(namespace);
  await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace.metadata.name }, dryRun);
}

function isoTime(value: string | Date | undefined): Date | undefined {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** What a preview namespace says about itself; `baseDomain` builds the URL of one without the annotation. */
export function describePreview(namespace: NamespaceObject, now: Date, baseDomain?: string): PreviewInfo {
  const { name, labels = {}, annotations = {} } = namespace.metadata;
  const created = isoTime(namespace.metadata.creationTimestamp);
  const expires = expiryOf(labels);
  const terminating = Boolean(namespace.metadata.deletionTimestamp);
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const url = annotations[PREVIEW_ANNOTATIONS.url] ?? (baseDomain ? `https://${name}.${baseDomain}` : undefined);
  const optional = {
    brief: labels[PREVIEW_LABELS.previewOf],
    branch: annotations[PREVIEW_ANNOTATIONS.branch] ?? labels[PREVIEW_LABELS.branch],
    owner: annotations[PREVIEW_ANNOTATIONS.owner] ?? labels[PREVIEW_LABELS.owner],
    commit: annotations[PREVIEW_ANNOTATIONS.commit] ?? labels[PREVIEW_LABELS.commit],
    url,
    createdAt: created?.toISOString(),
    ageSeconds: created ? seconds(now.getTime() - created.getTime()) : undefined,
    expiresAt: expires?.toISOString(),
    remainingSeconds: expires ? seconds(expires.getTime() - now.getTime()) : undefined,
  };
  const info: PreviewInfo = {
    namespace: name,
    ...(Object.fromEntries(
      Object.entries(optional).filter(([, value]) => value !== undefined),
    ) as Partial<PreviewInfo>),
    status: namespace.status?.phase ?? (terminating ? 'Terminating' : 'Active'),
    expired: expires !== undefined && expires.getTime() <= now.getTime(),
  };
  return info;
}
