// Writes the objects as a kustomize layout: `base/` holds one file per object (qlf's, regenerated), the top-level
// kustomization is the overlay a team copies per environment. Same objects → same bytes.
import { stringify } from 'yaml';
import { secretReferences } from './secret-refs.js';
import type { RenderedObject } from './types.js';

/** Maps whose key order means nothing: sorted so the output does not depend on how they were built. */
const SORTED_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'data']);
// YAML 1.1 quoting: kubectl's parser reads unquoted `yes`, `on` or `2026-01-01` as booleans and timestamps, which
// would turn a preview's label or annotation into a non-string and fail the apply.
const YAML_OPTIONS = { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false } as const;

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown, sortKeys = false): unknown {
  if (Array.isArray(value)) return value.map((item) => ordered(item));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
  if (sortKeys) entries.sort(byKey);
  return Object.fromEntries(entries.map(([key, item]) => [key, ordered(item, SORTED_MAPS.has(key))]));
}

/** apiVersion, kind, metadata (name, namespace, labels, annotations) first, then the rest as built; maps sorted. */
export function canonicalObject(object: RenderedObject): RenderedObject {
  const { apiVersion, kind, metadata, ...rest } = object;
  const { name, namespace, labels, annotations } = metadata;
  return ordered({ apiVersion, kind, metadata: { name, namespace, labels, annotations }, ...rest }) as RenderedObject;
}

export function objectPath(object: RenderedObject): string {
  return `base/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

function header(object: RenderedObject): string {
  const lines = [`${object.kind} ${object.metadata.name}, rendered by qlf: change it through the overlay, not here.`];
  const secrets = secretReferences(object);
  if (secrets.length > 0)
    lines.push('Reads Secrets qlf never renders; create them first (one KEY=value line per key):');
  for (const secret of secrets) {
    lines.push(
      `  ${secret.name}: ${secret.keys.join(', ')}`,
      `    kubectl -n ${object.metadata.namespace} create secret generic ${secret.name} --from-env-file=${secret.name}.env`,
    );
  }
  return lines.map((line) => `# ${line}\n`).join('');
}

function kustomization(body: Record<string, unknown>): string {
  return stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...body }, YAML_OPTIONS);
}

const OVERLAY_NOTE = [
  "# The overlay for one environment: copy this folder (with base/) per environment and put that environment's",
  '# changes here (patches, images, replicas, extra NetworkPolicies), never in base/, which qlf rewrites on every',
  '# render. Apply with `kubectl apply -k .`.',
]
  .map((line) => `${line}\n`)
  .join('');

export function kustomizeFiles(objects: RenderedObject[], namespace: string): { path: string; content: string }[] {
  const files = objects.map((object) => ({
    path: objectPath(object),
    content: header(object) + stringify(object, YAML_OPTIONS),
  }));
  const resources = files.map((file) => file.path.slice('base/'.length)).sort();
  const twice = resources.find((path, index) => resources[index + 1] === path);
  // Two objects in one file would silently drop one of them from the layout.
  if (twice) throw new Error(`qlf bug: two rendered objects share the file base/${twice}`);
  return [
    ...files,
    { path: 'base/kustomization.yaml', content: kustomization({ resources }) },
    { path: 'kustomization.yaml', content: OVERLAY_NOTE + kustomization({ namespace, resources: ['base'] }) },
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
