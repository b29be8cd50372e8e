// The fake API server's wire protocol where client-node does not exercise it: YAML apply bodies, Status errors, selectors.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../fixtures/fake-kube-api.js';

let fake: FakeKubeApi;
afterEach(() => fake.close());

const apply = (path: string, body: string, query = 'fieldManager=me', type = 'application/apply-patch+yaml') =>
  fetch(`${fake.url}${path}?${query}`, { method: 'PATCH', headers: { 'content-type': type }, body });

describe('fake-kube-api', () => {
  it('accepts a YAML apply body into an existing namespace: 201 on create, 200 on update, server fields filled in', async () => {
    fake = await FakeKubeApi.start();
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n';
    const noNamespace = await apply('/api/v1/namespaces/ns/configmaps/a', yaml);
    expect(noNamespace.status).toBe(404);
    expect(((await noNamespace.json()) as { message: string }).message).toBe('namespaces "ns" not found');
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
    const created = await apply('/api/v1/namespaces/ns/configmaps/a', yaml);
    expect(created.status).toBe(201);
    const body = (await created.json()) as { metadata: Record<string, unknown> };
    expect(body.metadata).toMatchObject({
      name: 'a',
      namespace: 'ns',
      generation: 1,
      managedFields: [{ manager: 'me' }],
    });
    expect(body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const updated = await apply('/api/v1/namespaces/ns/configmaps/a', yaml.replace('"1"', '"2"'));
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as typeof body).metadata).toMatchObject({ uid: body.metadata.uid, generation: 2 });
  });

  it('answers errors with Status objects', async () => {
    fake = await FakeKubeApi.start();
    const missing = await fetch(`${fake.url}/apis/apps/v1/namespaces/ns/deployments/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'deployments "nope" not found',
    });
    const merge = await apply(
      '/api/v1/namespaces/ns/configmaps/a',
      '{}',
      'fieldManager=me',
      'application/merge-patch+json',
    );
    expect(merge.status).toBe(415);
    const noManager = await apply('/api/v1/namespaces/ns/configmaps/a', 'kind: ConfigMap', '');
    expect(((await noManager.json()) as { reason: string }).reason).toBe('BadRequest');
  });

  it('lists by equality, inequality and existence selectors, namespaced and cluster-scoped', async () => {
    fake = await FakeKubeApi.start();
    fake.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'ns', labels: { t: 'x', k: '1' } },
    });
    fake.seed({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'ns', labels: { t: 'y' } } });
    fake.seed({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'other', labels: { t: 'x' } } });
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels: { t: 'x' } } });
    const names = async (path: string, selector: string) => {
      const response = await fetch(`${fake.url}${path}?labelSelector=${encodeURIComponent(selector)}`);
      const list = (await response.json()) as { items: { metadata: { name: string } }[] };
      return list.items.map((item) => item.metadata.name);
    };
    expect(await names('/api/v1/namespaces/ns/configmaps', 't=x')).toEqual(['a']);
    expect(await names('/api/v1/namespaces/ns/configmaps', 't!=x')).toEqual(['b']);
    expect(await names('/api/v1/namespaces/ns/configmaps', 'k')).toEqual(['a']);
    expect(await names('/api/v1/namespaces/ns/configmaps', '!k,t==y')).toEqual(['b']);
    expect(await names('/api/v1/configmaps', 't=x')).toEqual(['a', 'c']);
    expect(await names('/api/v1/namespaces', 't=x')).toEqual(['ns']);
  });
});
