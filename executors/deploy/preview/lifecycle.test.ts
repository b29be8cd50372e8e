// `listPreviews`, `deletePreview` and `collectExpiredPreviews` against the fake API server: only namespaces carrying
// both qlf preview labels are listed or deleted, and `gc` deletes only the expired ones.
import { afterEach, describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { FakeKubeApi } from '../fixtures/fake-kube-api.js';
import { builtImage, compiledExamples, deployConfig, QLF_VERSION } from '../fixtures/render-inputs.js';
import { deletePreview } from './down.js';
import { collectExpiredPreviews } from './gc.js';
import { listPreviews } from './list.js';
import { parseTtl } from './ttl.js';
import { previewUp } from './up.js';

const NOW = new Date('2030-03-01T12:00:00Z');
const seconds = (date: Date) => String(Math.floor(date.getTime() / 1000));
const hoursFromNow = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);

let fake: FakeKubeApi;
afterEach(() => fake.close());

function namespace(name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } };
}
const preview = (brief: string, expires: Date) => ({
  'qlf.dev/preview': 'true',
  'app.kubernetes.io/managed-by': 'qlf',
  'qlf.dev/preview-of': brief,
  'qlf.dev/branch': 'main',
  'qlf.dev/owner': 'jane',
  'qlf.dev/expires': seconds(expires),
});

/** Two qlf previews (one expired), and namespaces that look like previews but are not, all expired. */
async function seeded() {
  fake = await FakeKubeApi.start();
  fake.seed(namespace('shop-old-aaaaaa', preview('shop', hoursFromNow(-2)), { 'qlf.dev/branch': 'feat/old' }), 'qlf');
  fake.seed({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop-old-aaaaaa' } }, 'qlf');
  fake.seed(
    namespace('shop-new-bbbbbb', preview('shop', hoursFromNow(5)), { 'qlf.dev/url': 'https://new.example' }),
    'qlf',
  );
  fake.seed(namespace('team-a', { 'qlf.dev/expires': seconds(hoursFromNow(-9)) }));
  const { 'app.kubernetes.io/managed-by': _, ...notManaged } = preview('shop', hoursFromNow(-9));
  fake.seed(namespace('hand-made', notManaged));
  fake.seed(namespace('kube-system', {}));
  return { kubeConfig: fake.kubeConfig() };
}

const deletes = () => fake.requests.filter((r) => r.method === 'DELETE');

describe('listPreviews', () => {
  it('lists only namespaces with both qlf preview labels, with their facts', async () => {
    const options = await seeded();
    const previews = await listPreviews({ ...options, now: NOW, baseDomain: 'example.com' });
    expect(previews.map((p) => p.namespace)).toEqual(['shop-new-bbbbbb', 'shop-old-aaaaaa']);
    expect(previews[1]).toMatchObject({
      brief: 'shop',
      branch: 'feat/old',
      owner: 'jane',
      status: 'Active',
      expired: true,
      remainingSeconds: -7200,
      expiresAt: '2030-03-01T10:00:00.000Z',
      url: 'https://shop-old-aaaaaa.example.com',
    });
    expect(previews[0]).toMatchObject({ expired: false, remainingSeconds: 5 * 3600, url: 'https://new.example' });
    expect(typeof previews[0]?.ageSeconds).toBe('number');
    const selector = fake.requests.find((r) => r.path === '/api/v1/namespaces')?.query.labelSelector;
    expect(selector).toBe('qlf.dev/preview=true,app.kubernetes.io/managed-by=qlf');
  });

  it('filters by brief', async () => {
    const options = await seeded();
    expect(await listPreviews({ ...options, brief: 'orders' })).toEqual([]);
    expect(await listPreviews({ ...options, brief: 'shop' })).toHaveLength(2);
  });
});

describe('collectExpiredPreviews', () => {
  it('in a dry run lists the expired previews and deletes nothing', async () => {
    const options = await seeded();
    const result = await collectExpiredPreviews({ ...options, now: NOW, dryRun: true });
    expect(result.deleted.map((p) => p.namespace)).toEqual(['shop-old-aaaaaa']);
    expect(deletes().map((r) => r.query.dryRun)).toEqual(['All']);
    expect(fake.object('Namespace', 'shop-old-aaaaaa')).toBeDefined();
  });

  it('deletes only expired qlf previews, and what is in them', async () => {
    const options = await seeded();
    const lines: string[] = [];
    const result = await collectExpiredPreviews({ ...options, now: NOW, onProgress: (line) => lines.push(line) });
    expect(result.deleted.map((p) => p.namespace)).toEqual(['shop-old-aaaaaa']);
    expect(result.kept.map((p) => p.namespace)).toEqual(['shop-new-bbbbbb']);
    expect(result.failed).toEqual([]);
    expect(deletes().map((r) => r.path)).toEqual(['/api/v1/namespaces/shop-old-aaaaaa']);
    expect(fake.object('Namespace', 'shop-old-aaaaaa')).toBeUndefined();
    expect(fake.object('ConfigMap', 'c', 'shop-old-aaaaaa')).toBeUndefined();
    for (const name of ['shop-new-bbbbbb', 'team-a', 'hand-made', 'kube-system']) {
      expect(fake.object('Namespace', name)).toBeDefined();
    }
    expect(lines).toEqual(['namespace/shop-old-aaaaaa deleted (expired 2030-03-01T10:00:00.000Z)']);
  });

  it('deletes the fresh one too once its time has come', async () => {
    const options = await seeded();
    const result = await collectExpiredPreviews({ ...options, now: hoursFromNow(6) });
    expect(result.deleted.map((p) => p.namespace)).toEqual(['shop-new-bbbbbb', 'shop-old-aaaaaa']);
    expect(fake.object('Namespace', 'team-a')).toBeDefined();
  });

  it('stops with the coded error when the cluster refuses to list namespaces', async () => {
    const options = await seeded();
    fake.forbid('Namespace');
    await expect(collectExpiredPreviews({ ...options, now: NOW })).rejects.toMatchObject({ code: 'E_KUBE_FORBIDDEN' });
    expect(deletes()).toEqual([]);
  });
});

describe('deletePreview', () => {
  it('refuses a namespace without the qlf preview labels, naming the missing ones', async () => {
    const options = await seeded();
    await expect(deletePreview({ ...options, namespace: 'team-a' })).rejects.toMatchObject({
      code: 'E_PREVIEW_NOT_PREVIEW',
      kind: 'input',
      message: expect.stringContaining('qlf.dev/preview=true, app.kubernetes.io/managed-by=qlf'),
    });
    await expect(deletePreview({ ...options, namespace: 'hand-made' })).rejects.toMatchObject({
      message: expect.stringMatching(/lacks the label\(s\) app.kubernetes.io\/managed-by=qlf;/),
    });
    await expect(deletePreview({ ...options, namespace: 'kube-system' })).rejects.toMatchObject({
      code: 'E_PREVIEW_NOT_PREVIEW',
    });
    expect(deletes()).toEqual([]);
  });

  it('deletes a preview namespace; a missing one is an error unless told otherwise', async () => {
    const options = await seeded();
    expect(await deletePreview({ ...options, namespace: 'shop-new-bbbbbb', dryRun: true })).toEqual({
      namespace: 'shop-new-bbbbbb',
      outcome: 'deleted',
      dryRun: true,
    });
    expect(fake.object('Namespace', 'shop-new-bbbbbb')).toBeDefined();
    const result = await deletePreview({ ...options, namespace: 'shop-new-bbbbbb' });
    expect(result.outcome).toBe('deleted');
    expect(fake.object('Namespace', 'shop-new-bbbbbb')).toBeUndefined();
    await expect(deletePreview({ ...options, namespace: 'shop-new-bbbbbb' })).rejects.toMatchObject({
      code: 'E_PREVIEW_NOT_FOUND',
      kind: 'work',
    });
    expect((await deletePreview({ ...options, namespace: 'gone', ignoreNotFound: true })).outcome).toBe('missing');
  });
});

describe('up, list, down', () => {
  it('lists a preview made by up, and down removes it', async () => {
    const ir = (await compiledExamples(['payments'])).get('payments') as IR;
    fake = await FakeKubeApi.start();
    const kubeConfig = fake.kubeConfig();
    const up = await previewUp({
      ir,
      build: builtImage('payments'),
      deploy: deployConfig(),
      qlfVersion: QLF_VERSION,
      branch: 'feat/x',
      owner: 'jane@example.com',
      ttlMs: parseTtl('30m'),
      now: NOW,
      kubeConfig,
      pollMs: 5,
    });
    const [listed] = await listPreviews({ kubeConfig, now: hoursFromNow(1) });
    expect(listed).toMatchObject({
      namespace: up.namespace,
      brief: 'payments',
      branch: 'feat/x',
      owner: 'jane@example.com',
      url: up.url,
      expired: true,
      expiresAt: '2030-03-01T12:30:00.000Z',
    });
    expect(fake.object('Namespace', up.namespace)?.metadata.labels['qlf.dev/owner']).toBe('jane-example.com');
    await deletePreview({ kubeConfig, namespace: up.namespace });
    expect(await listPreviews({ kubeConfig })).toEqual([]);
    expect(fake.object('Secret', 'payments-preview-db', up.namespace)).toBeUndefined();
  });
});
