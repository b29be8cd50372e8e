// applyObjects against the loopback fake API server, through the real client-node.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKubeApi, type FakeKubeOptions } from '../fixtures/fake-kube-api.js';
import { applyObjects } from './apply.js';
import { brief, namespace, sampleObjects } from './fixtures/sample-objects.js';
import type { ApplyOptions } from './types.js';

let fake: FakeKubeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: FakeKubeOptions = {}) {
  fake = await FakeKubeApi.start(options);
  const lines: string[] = [];
  const base: ApplyOptions = {
    kubeConfig: fake.kubeConfig(),
    brief,
    namespace,
    pollMs: 20,
    timeoutMs: 2_000,
    onProgress: (line) => lines.push(line),
  };
  return { fake, lines, base };
}

const writes = (fake: FakeKubeApi) => fake.requests.filter((r) => r.method !== 'GET');

describe('applyObjects', () => {
  it('server-side applies every object in order under field manager qlf, without force', async () => {
    const { fake, base } = await setup();
    const result = await applyObjects(sampleObjects(), base);

    const patches = writes(fake);
    expect(patches.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/shop',
      '/api/v1/namespaces/shop/serviceaccounts/shop',
      '/api/v1/namespaces/shop/configmaps/shop-config',
      '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/shop-default-deny',
      '/apis/batch/v1/namespaces/shop/jobs/shop-migrate',
      '/apis/apps/v1/namespaces/shop/deployments/shop',
      '/api/v1/namespaces/shop/services/shop',
      '/apis/policy/v1/namespaces/shop/poddisruptionbudgets/shop',
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/shop',
      '/apis/networking.k8s.io/v1/namespaces/shop/ingresses/shop',
    ]);
    for (const request of patches) {
      expect(request.method).toBe('PATCH');
      expect(request.contentType).toBe('application/apply-patch+yaml');
      expect(request.query).toEqual({ fieldManager: 'qlf' });
    }
    expect(patches[5]?.body).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 } });
    expect(result.applied.every((a) => a.created)).toBe(true);
    expect(result.applied[0]).toEqual({ kind: 'Namespace', name: 'shop', created: true });
    expect(result).toMatchObject({ dryRun: false, pruned: [], url: 'https://shop.example.com' });
    expect(fake.object('Deployment', 'shop', 'shop')?.metadata.managedFields[0].manager).toBe('qlf');
  });

  it('reports updates (200) as not created on a second apply', async () => {
    const { base } = await setup();
    await applyObjects(sampleObjects(), base);
    const again = await applyObjects(sampleObjects({ replicas: 3 }), base);
    expect(again.applied.some((a) => a.created)).toBe(false);
    expect(fake?.object('Deployment', 'shop', 'shop')?.metadata.generation).toBe(2);
  });

  it('sorts objects given out of order', async () => {
    const { fake, base } = await setup();
    await applyObjects([...sampleObjects()].reverse(), base);
    const kinds = writes(fake).map((r) => (r.body as { kind: string }).kind);
    expect(kinds.slice(0, 2)).toEqual(['Namespace', 'ServiceAccount']);
    expect(kinds.indexOf('Job')).toBeLessThan(kinds.indexOf('Deployment'));
  });

  it('waits for the migration Job to succeed before applying the Deployment', async () => {
    const { fake, base, lines } = await setup({ jobAfterGets: 2 });
    await applyObjects(sampleObjects(), base);
    const trail = fake.requests.map((r) => `${r.method} ${r.path}`);
    const jobReads = trail.filter((t) => t === 'GET /apis/batch/v1/namespaces/shop/jobs/shop-migrate');
    expect(jobReads).toHaveLength(3);
    const lastJobRead = trail.lastIndexOf('GET /apis/batch/v1/namespaces/shop/jobs/shop-migrate');
    expect(trail.indexOf('PATCH /apis/apps/v1/namespaces/shop/deployments/shop')).toBeGreaterThan(lastJobRead);
    expect(lines).toContain('waiting for migration job "shop-migrate" to complete...');
    expect(lines).toContain('job "shop-migrate" completed');
  });

  it('stops at a failed migration: E_DEPLOY_MIGRATION_FAILED, no Deployment, nothing deleted', async () => {
    const failingJobs = {
      'shop-migrate': { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
    };
    const { fake, base } = await setup({ failingJobs });
    const error = await applyObjects(sampleObjects(), base).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_DEPLOY_MIGRATION_FAILED', kind: 'work' });
    expect((error as Error).message).toContain('"shop-migrate"');
    expect((error as Error).message).toContain('BackoffLimitExceeded: Job has reached the specified backoff limit');
    expect(fake.requests.some((r) => r.path.includes('/deployments'))).toBe(false);
    expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('prints rollout progress and succeeds once the Deployment is available', async () => {
    const { base, lines } = await setup({ rolloutAfterGets: 3 });
    await applyObjects(sampleObjects({ replicas: 3 }), base);
    const rollout = lines.filter((line) => line.includes('deployment "shop"'));
    expect(rollout).toEqual([
      'waiting for deployment "shop" rollout to finish: 0 of 3 updated replicas are available...',
      'waiting for deployment "shop" rollout to finish: 1 of 3 updated replicas are available...',
      'waiting for deployment "shop" rollout to finish: 2 of 3 updated replicas are available...',
      'deployment "shop" successfully rolled out',
    ]);
  });

  it('times out a rollout that never becomes available with E_DEPLOY_ROLLOUT_TIMEOUT and the last status', async () => {
    const { fake, base } = await setup({ rolloutAfterGets: 'never' });
    const started = Date.now();
    const error = await applyObjects(sampleObjects(), { ...base, timeoutMs: 150 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({ code: 'E_DEPLOY_ROLLOUT_TIMEOUT' });
    expect((error as Error).message).toContain('2 replicas, 2 updated, 1 ready, 1 available');
    expect(fake.requests.some((r) => r.path.includes('/services/'))).toBe(false);
  });

  it('dry run sends dryRun=All on every write, stores nothing, waits for nothing', async () => {
    const { fake, base, lines } = await setup({ jobAfterGets: 'never', rolloutAfterGets: 'never' });
    const result = await applyObjects(sampleObjects(), { ...base, dryRunServer: true });
    expect(result.dryRun).toBe(true);
    for (const request of writes(fake)) expect(request.query.dryRun).toBe('All');
    expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
    expect(fake.requests.some((r) => r.method === 'GET' && r.path.endsWith('/jobs/shop-migrate'))).toBe(false);
    expect(fake.object('Namespace', 'shop')).toBeUndefined();
    expect(lines[0]).toBe('namespace/shop created (server dry run)');
    // The namespace does not exist, so the server cannot admit the rest even in a dry run.
    expect(lines[1]).toBe(
      'serviceaccount/shop created (server dry run; not validated: the namespace does not exist yet)',
    );
    expect(result.applied).toHaveLength(10);
  });

  it('dry run against an existing namespace validates every object and reports updates', async () => {
    const { fake, base } = await setup();
    await applyObjects(sampleObjects(), base);
    const before = fake.object('Deployment', 'shop', 'shop')?.metadata.resourceVersion;
    const result = await applyObjects(sampleObjects({ replicas: 5 }), { ...base, dryRunServer: true });
    expect(result.applied.every((a) => !a.created)).toBe(true);
    expect(fake.object('Deployment', 'shop', 'shop')?.metadata.resourceVersion).toBe(before);
  });

  it('a namespace neither rendered nor present: E_KUBE_NAMESPACE_MISSING, dry run or not', async () => {
    const { base } = await setup();
    const objects = sampleObjects().filter((o) => o.kind !== 'Namespace');
    for (const dryRunServer of [false, true]) {
      await expect(applyObjects(objects, { ...base, dryRunServer })).rejects.toMatchObject({
        code: 'E_KUBE_NAMESPACE_MISSING',
        hint: expect.stringContaining('kubectl create namespace shop'),
      });
    }
  });

  it('refuses objects rendered into another namespace', async () => {
    const { base } = await setup();
    const objects = sampleObjects();
    objects[2] = { ...objects[2]!, metadata: { ...objects[2]!.metadata, namespace: 'other' } };
    await expect(applyObjects(objects, base)).rejects.toMatchObject({ code: 'E_DEPLOY_NAMESPACE', kind: 'input' });
    expect(fake?.requests).toEqual([]);
  });
});
