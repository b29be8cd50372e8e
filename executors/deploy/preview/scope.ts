// Turns a service's rendered objects into one preview's: the prune scope label set to the preview, and the labels that
// change on every `up` on the Namespace alone.
import type { KubeObject } from '../apply/index.js';
import { PREVIEW_LABELS } from './labels.js';

interface WithMetadata {
  metadata?: { labels?: Record<string, string> };
}

/**
 * Every `metadata.labels` holding the scope label — objects and their pod templates — gets `scope` instead of the
 * brief's name. The apply engine prunes (Namespaces included, cluster-wide) by that label: with the brief's name there,
 * one preview's `up` would delete the service's namespace and every other preview of it, and `qlf deploy` every preview.
 */
export function scopeToPreview(
  objects: readonly KubeObject[],
  scope: string,
  namespaceLabels: Record<string, string>,
): KubeObject[] {
  return objects.map((object) => {
    const copy = structuredClone(object);
    relabel(copy, scope);
    if (copy.kind === 'Namespace') copy.metadata.labels = { ...copy.metadata.labels, ...namespaceLabels };
    return copy;
  });
}

function relabel(node: unknown, scope: string): void {
  if (Array.isArray(node)) {
    for (const item of node) relabel(item, scope);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const labels = (node as WithMetadata).metadata?.labels;
  if (labels && PREVIEW_LABELS.scope in labels) labels[PREVIEW_LABELS.scope] = scope;
  for (const value of Object.values(node)) relabel(value, scope);
}
