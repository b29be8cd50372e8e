// The labels and annotations that mark a preview: what `up` writes, what `list`, `down` and `gc` select and trust.
import { labelValue } from './naming.js';

export const PREVIEW_LABELS = Object.freeze({
  /** `"true"` on every object of a preview. */
  preview: 'qlf.dev/preview',
  /** The brief the preview runs. */
  previewOf: 'qlf.dev/preview-of',
  /**
   * The apply engine's prune scope. The renderer sets it to the brief's name; a preview's objects carry the preview's
   * namespace instead, so that neither the preview's prune nor the service's own deploy reaches the other's objects.
   */
  scope: 'qlf.dev/brief',
  branch: 'qlf.dev/branch',
  owner: 'qlf.dev/owner',
  commit: 'qlf.dev/commit',
  /** Unix seconds after which `qlf preview gc` deletes the preview. */
  expires: 'qlf.dev/expires',
  managedBy: 'app.kubernetes.io/managed-by',
});

/** Raw values, as label values cannot hold them (slashes, `@`, length). */
export const PREVIEW_ANNOTATIONS = Object.freeze({
  branch: 'qlf.dev/branch',
  owner: 'qlf.dev/owner',
  commit: 'qlf.dev/commit',
  expiresAt: 'qlf.dev/expires-at',
  url: 'qlf.dev/url',
});

/** Who, what and until when: the facts a preview's metadata records. */
export interface PreviewFacts {
  brief: string;
  branch: string;
  owner: string;
  /** Full commit id, when known. */
  commit?: string;
  url: string;
  expiresAt: Date;
}

export interface PreviewMetadata {
  /** On every object, pod templates included: only values that stay the same from one `up` to the next. */
  labels: Record<string, string>;
  /**
   * On the Namespace (and the database Secret) only: values that change between runs. On a pod template they would
   * restart the pods on every `up` — the throwaway PostgreSQL losing its data — and a Job's template cannot change.
   */
  namespaceLabels: Record<string, string>;
  /** On every object's own metadata (never on pod templates). */
  annotations: Record<string, string>;
}

export function previewMetadata(facts: PreviewFacts): PreviewMetadata {
  const expires = Math.floor(facts.expiresAt.getTime() / 1000);
  const namespaceLabels: Record<string, string> = {
    [PREVIEW_LABELS.owner]: labelValue(facts.owner),
    [PREVIEW_LABELS.expires]: String(expires),
  };
  if (facts.commit) namespaceLabels[PREVIEW_LABELS.commit] = labelValue(facts.commit.slice(0, 12));
  return {
    labels: {
      [PREVIEW_LABELS.preview]: 'true',
      [PREVIEW_LABELS.previewOf]: labelValue(facts.brief),
      [PREVIEW_LABELS.branch]: labelValue(facts.branch),
    },
    namespaceLabels,
    annotations: {
      [PREVIEW_ANNOTATIONS.branch]: facts.branch,
      [PREVIEW_ANNOTATIONS.owner]: facts.owner,
      ...(facts.commit ? { [PREVIEW_ANNOTATIONS.commit]: facts.commit } : {}),
      [PREVIEW_ANNOTATIONS.expiresAt]: new Date(expires * 1000).toISOString(),
      [PREVIEW_ANNOTATIONS.url]: facts.url,
    },
  };
}

/** The labels a namespace must carry before `down` or `gc` may delete it; the missing ones, as `key=value`. */
export function missingPreviewLabels(labels: Record<string, string> | undefined): string[] {
  const required = { [PREVIEW_LABELS.preview]: 'true', [PREVIEW_LABELS.managedBy]: 'qlf' };
  return Object.entries(required)
    .filter(([key, value]) => labels?.[key] !== value)
    .map(([key, value]) => `${key}=${value}`);
}

/** The label selector of every qlf preview namespace. */
export const previewSelector = `${PREVIEW_LABELS.preview}=true,${PREVIEW_LABELS.managedBy}=qlf`;

/** The expiry from the `qlf.dev/expires` label; undefined when missing or not unix seconds. */
export function expiryOf(labels: Record<string, string> | undefined): Date | undefined {
  const value = labels?.[PREVIEW_LABELS.expires];
  return value && /^\d{1,12}$/.test(value) ? new Date(Number(value) * 1000) : undefined;
}
