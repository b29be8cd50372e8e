// Prune: only objects with both qlf labels for this brief, no longer rendered, go; never on failure or in a dry run.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../fixtures/fake-kube-api.js';
import { applyObjects } from './apply.js';
import { brief, namespace, qlfLabels, sampleObjects } from './fixtures/sample-objects.js';

let fake: FakeKubeApi;
afterEach(() => fake.close());

const configMap = (name: string, labels: Record<string, string>, ns = namespace) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data: {},
});

async function seeded() {
  fake = await FakeKubeApi.start();
  fake.seed(configMap('shop-stale', qlfLabels()), 'qlf');
  fake.seed(configMap('hand-made', { 'app.kubernetes.io/name': 'shop' }));
  fake.seed(configMap('other-brief', { ...qlfLabels(), 'qlf.dev/brief': 'billing' }), 'qlf');
  fake.seed(configMap('brief-label-only', { 'qlf.dev/brief': brief }));
  fake.seed(configMap('shop-stale', qlfLabels(), 'elsewhere'), 'qlf');
  fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-old', labels: qlfLabels() } }, 'qlf');
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'shop-preview-db', namespace, labels: qlfLabels() },
  };
  fake.seed(secret, 'preview-command');
  return { kubeConfig: fake.kubeConfig(), brief, namespace, pollMs: 20, timeoutMs: 2_000 };
}

describe('prune', () => {
  it('deletes only labelled objects of this brief that are no longer rendered', async () => {
    const options = await seeded();
    const lines: string[] = [];
    const result = await applyObjects(sampleObjects(), { ...options, onProgress: (line) => lines.push(line) });

    expect(result.pruned).toEqual([
      { kind: 'ConfigMap', name: 'shop-stale', namespace: 'shop' },
      { kind: 'Namespace', name: 'shop-old' },
    ]);
    const deletes = fake.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/shop/configmaps/shop-stale',
      '/api/v1/namespaces/shop-old',
    ]);
    expect(deletes[0]?.query).toEqual({ propagationPolicy: 'Background' });
    expect(fake.object('ConfigMap', 'shop-stale', 'shop')).toBeUndefined();
    for (const kept of ['hand-made', 'other-brief', 'brief-label-only', 'shop-config']) {
      expect(fake.object('ConfigMap', kept, 'shop')).toBeDefined();
    }
    expect(fake.object('ConfigMap', 'shop-stale', 'elsewhere')).toBeDefined();
    expect(fake.object('Namespace', 'shop')).toBeDefined();
    // qlf never renders Secrets, so it never prunes one, labelled or not.
    expect(fake.object('Secret', 'shop-preview-db', 'shop')).toBeDefined();
    expect(lines).toContain('configmap/shop-stale pruned');
  });

  it('deletes what a smaller render dropped, keeping the namespace it applies', async () => {
    fake = await FakeKubeApi.start();
    const options = { kubeConfig: fake.kubeConfig(), brief, namespace, pollMs: 20 };
    await applyObjects(sampleObjects(), options);
    const withoutScaling = sampleObjects().filter((o) => !['HorizontalPodAutoscaler', 'Ingress'].includes(o.kind));
    const result = await applyObjects(withoutScaling, options);
    expect(result.pruned).toEqual([
      { kind: 'Ingress', name: 'shop', namespace: 'shop' },
      { kind: 'HorizontalPodAutoscaler', name: 'shop', namespace: 'shop' },
    ]);
    expect(result.url).toBeUndefined();
  });

  it('in a dry run reports what would go and deletes nothing', async () => {
    const options = await seeded();
    const result = await applyObjects(sampleObjects(), { ...options, dryRunServer: true });
    expect(result.pruned).toEqual([
      { kind: 'ConfigMap', name: 'shop-stale', namespace: 'shop' },
      { kind: 'Namespace', name: 'shop-old' },
    ]);
    expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
    expect(fake.object('ConfigMap', 'shop-stale', 'shop')).toBeDefined();
  });

  it('deletes nothing when the apply fails', async () => {
    const options = await seeded();
    fake.forbid('Ingress');
    await expect(applyObjects(sampleObjects(), options)).rejects.toMatchObject({ code: 'E_KUBE_FORBIDDEN' });
    expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });
});
