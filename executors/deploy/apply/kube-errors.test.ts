// API failures become coded errors: conflict (and --force), 401, 403, an unreachable server, a plain-http kubeconfig.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../fixtures/fake-kube-api.js';
import { applyObjects } from './apply.js';
import { brief, namespace, sampleObjects } from './fixtures/sample-objects.js';

let fake: FakeKubeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const options = (kubeConfig: KubeConfig) => ({ kubeConfig, brief, namespace, pollMs: 20, timeoutMs: 2_000 });

function kubeConfigFor(server: string, cluster: Record<string, unknown> = { 'insecure-skip-tls-verify': true }) {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: cluster['insecure-skip-tls-verify'] === true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'staging', cluster: 'c', user: 'u' }],
    currentContext: 'staging',
  });
  return config;
}

describe('apply errors', () => {
  it('a Deployment owned by another field manager: E_KUBE_CONFLICT naming it; --force takes it over', async () => {
    fake = await FakeKubeApi.start();
    const deployment = sampleObjects().find((o) => o.kind === 'Deployment')!;
    fake.seed(structuredClone(deployment), 'kubectl-client-side-apply');

    const error = await applyObjects(sampleObjects(), options(fake.kubeConfig())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_KUBE_CONFLICT', kind: 'work' });
    expect((error as Error).message).toContain('Deployment "shop" in namespace "shop"');
    expect((error as Error).message).toContain('field manager "kubectl-client-side-apply"');
    expect((error as { hint: string }).hint).toContain('--force');
    expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(false);

    const result = await applyObjects(sampleObjects(), { ...options(fake.kubeConfig()), force: true });
    expect(result.applied.find((a) => a.kind === 'Deployment')).toMatchObject({ created: false });
    const forced = fake.requests.filter((r) => r.method === 'PATCH' && r.query.force === 'true');
    expect(forced).toHaveLength(10);
    expect(fake.object('Deployment', 'shop', 'shop')?.metadata.managedFields[0].manager).toBe('qlf');
  });

  it('wrong or missing credentials: E_KUBE_UNAUTHORIZED', async () => {
    fake = await FakeKubeApi.start({ token: 'secret-token' });
    const error = await applyObjects(sampleObjects(), options(fake.kubeConfig({ token: 'stale' }))).catch((e) => e);
    expect(error).toMatchObject({ code: 'E_KUBE_UNAUTHORIZED' });
    expect((error as Error).message).toContain('context "fake"');
    expect(fake.requests[0]?.path).toBe('/api/v1');

    const ok = await applyObjects(sampleObjects(), options(fake.kubeConfig()));
    expect(ok.applied).toHaveLength(10);
  });

  it('RBAC denial: E_KUBE_FORBIDDEN naming verb, kind and namespace', async () => {
    fake = await FakeKubeApi.start();
    fake.forbid('Deployment');
    const error = await applyObjects(sampleObjects(), options(fake.kubeConfig())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_KUBE_FORBIDDEN' });
    expect((error as Error).message).toMatch(/^not allowed to patch Deployment "shop" in namespace "shop"/);
    expect((error as Error).message).toContain('cannot patch resource "deployments"');
  });

  it('a closed port: E_KUBE_UNREACHABLE with server and context, quickly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const server = `http://127.0.0.1:${port}`;

    const started = Date.now();
    const error = await applyObjects(sampleObjects(), {
      ...options(kubeConfigFor(server)),
      requestTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ code: 'E_KUBE_UNREACHABLE', kind: 'work' });
    expect((error as Error).message).toContain(server);
    expect((error as Error).message).toContain('context "staging"');
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as { hint: string }).hint).toContain('kubectl --context staging cluster-info');
  });

  it('a server that never answers: E_KUBE_UNREACHABLE after the request timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const server = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const error = await applyObjects(sampleObjects(), {
        ...options(kubeConfigFor(server)),
        requestTimeoutMs: 100,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_KUBE_UNREACHABLE' });
      expect((error as Error).message).toContain('no answer before the request timeout');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a plain http:// cluster without insecure-skip-tls-verify: input error E_KUBE_INSECURE_HTTP', async () => {
    const config = kubeConfigFor('http://127.0.0.1:1', {});
    await expect(applyObjects(sampleObjects(), options(config))).rejects.toMatchObject({
      code: 'E_KUBE_INSECURE_HTTP',
      kind: 'input',
    });
  });
});
