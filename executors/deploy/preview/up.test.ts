// `previewUp` against the loopback fake API server through the real client-node: namespace and labels, the database
// Secret (its password never in output), the throwaway PostgreSQL and the app, and a prune that stays in the preview.
import { afterEach, describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { FakeKubeApi } from '../fixtures/fake-kube-api.js';
import { builtImage, compiledExamples, deployConfig, QLF_VERSION } from '../fixtures/render-inputs.js';
import { parseTtl } from './ttl.js';
import { type PreviewUpOptions, previewUp } from './up.js';

const ir = (await compiledExamples(['payments'])).get('payments') as IR;
const NOW = new Date('2030-03-01T12:00:00Z');
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

let fake: FakeKubeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(overrides: Partial<PreviewUpOptions> = {}) {
  fake = await FakeKubeApi.start();
  const lines: string[] = [];
  const options: PreviewUpOptions = {
    ir,
    build: builtImage('payments'),
    deploy: deployConfig({ baseDomain: 'example.com' }),
    qlfVersion: QLF_VERSION,
    branch: 'feat/Card_refunds',
    owner: 'jane.doe',
    commit: COMMIT,
    ttlMs: parseTtl('24h'),
    now: NOW,
    kubeConfig: fake.kubeConfig(),
    pollMs: 5,
    timeoutMs: 2_000,
    onProgress: (line) => lines.push(line),
    ...overrides,
  };
  return { fake, lines, options };
}

const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');

describe('previewUp', () => {
  it('creates the labelled namespace, the database Secret, the throwaway PostgreSQL and the app', async () => {
    const { fake, lines, options } = await setup();
    const result = await previewUp(options);
    const ns = result.namespace;
    expect(ns).toMatch(/^payments-feat-card-refunds-[0-9a-f]{6}$/);
    expect(result).toMatchObject({
      brief: 'payments',
      url: `https://${ns}.example.com`,
      branch: 'feat/Card_refunds',
      owner: 'jane.doe',
      commit: COMMIT,
      expiresAt: '2030-03-02T12:00:00.000Z',
      database: 'throwaway',
      databaseSecret: 'created',
      dryRun: false,
      pruned: [],
    });

    const namespace = fake.object('Namespace', ns);
    expect(namespace?.metadata.labels).toMatchObject({
      'qlf.dev/preview': 'true',
      'qlf.dev/preview-of': 'payments',
      'qlf.dev/brief': ns,
      'qlf.dev/branch': 'feat-Card_refunds',
      'qlf.dev/owner': 'jane.doe',
      'qlf.dev/commit': '0123456789ab',
      'qlf.dev/expires': String(Date.parse('2030-03-02T12:00:00Z') / 1000),
      'app.kubernetes.io/managed-by': 'qlf',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect(namespace?.metadata.annotations).toMatchObject({
      'qlf.dev/branch': 'feat/Card_refunds',
      'qlf.dev/expires-at': '2030-03-02T12:00:00.000Z',
      'qlf.dev/url': `https://${ns}.example.com`,
      'qlf.dev/commit': COMMIT,
    });

    const secret = fake.object('Secret', 'payments-preview-db', ns);
    const data = Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, decode(v as string)]));
    const password = data.POSTGRES_PASSWORD as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(data).toEqual({
      POSTGRES_USER: 'app',
      POSTGRES_DB: 'app',
      POSTGRES_PASSWORD: password,
      DATABASE_URL: `postgresql://app:${password}@payments-postgres:5432/app`,
    });
    expect(secret?.metadata.labels).toMatchObject({ 'qlf.dev/preview': 'true', 'qlf.dev/brief': ns });
    expect(secret?.metadata.managedFields[0].manager).toBe('qlf');

    expect(fake.object('Deployment', 'payments-postgres', ns)).toBeDefined();
    expect(fake.object('Service', 'payments-postgres', ns)).toBeDefined();
    expect(fake.object('Deployment', 'payments', ns)?.spec.replicas).toBe(1);
    expect(fake.object('Ingress', 'payments', ns)?.spec.rules[0].host).toBe(`${ns}.example.com`);
    expect(result.applied.map((a) => a.kind)).toContain('Job');

    // The password reaches the cluster in the Secret's apply and nowhere else.
    const secretApply = fake.requests.filter(
      (r) => r.method === 'PATCH' && r.path.endsWith('/secrets/payments-preview-db'),
    );
    expect(secretApply).toHaveLength(1);
    const everythingElse = [
      ...lines,
      JSON.stringify(result),
      ...fake.requests.filter((r) => !secretApply.includes(r)).map((r) => JSON.stringify(r)),
    ].join('\n');
    for (const form of [password, Buffer.from(password).toString('base64'), encodeURIComponent(password)]) {
      expect(everythingElse).not.toContain(form);
    }
    expect(lines).toContain('database credentials: new');
    expect(lines).toContain('secret/payments-preview-db created');
  });

  it('keeps out of pod templates the labels that change on every up, so pods (and the database) are not restarted', async () => {
    const { fake, options } = await setup();
    const { namespace } = await previewUp(options);
    for (const name of ['payments', 'payments-postgres']) {
      const labels = fake.object('Deployment', name, namespace)?.spec.template.metadata.labels;
      expect(labels).toMatchObject({ 'qlf.dev/preview': 'true', 'qlf.dev/brief': namespace });
      expect(Object.keys(labels)).not.toEqual(expect.arrayContaining(['qlf.dev/expires']));
      expect(labels).not.toHaveProperty('qlf.dev/commit');
      expect(labels).not.toHaveProperty('qlf.dev/owner');
    }
  });

  it('keeps the password of the existing Secret on a second up, with a later expiry', async () => {
    const { fake, options } = await setup();
    const first = await previewUp(options);
    const before = fake.object('Secret', 'payments-preview-db', first.namespace)?.data;
    const postgres = fake.object('Deployment', 'payments-postgres', first.namespace)?.metadata.generation;
    const later = new Date(NOW.getTime() + 3_600_000);
    const lines: string[] = [];
    const second = await previewUp({ ...options, now: later, onProgress: (line) => lines.push(line) });

    expect(second.namespace).toBe(first.namespace);
    expect(second.databaseSecret).toBe('kept');
    expect(fake.object('Secret', 'payments-preview-db', first.namespace)?.data).toEqual(before);
    expect(lines).toContain('database credentials: kept from the existing Secret');
    expect(fake.object('Namespace', first.namespace)?.metadata.labels['qlf.dev/expires']).toBe(
      String(later.getTime() / 1000 + 86_400),
    );
    // Same pod templates: the PostgreSQL Deployment's spec (and so its pod) is unchanged.
    expect(fake.object('Deployment', 'payments-postgres', first.namespace)?.metadata.generation).toBe(postgres);
    expect(second.applied.every((a) => !a.created)).toBe(true);
  });

  it("prunes only inside its own namespace: the service's namespace and other previews stay", async () => {
    const { fake, options } = await setup();
    const qlf = { 'app.kubernetes.io/managed-by': 'qlf', 'qlf.dev/brief': 'payments' };
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels: qlf } }, 'qlf');
    const other = await previewUp({ ...options, branch: 'main' });
    const result = await previewUp(options);
    expect(result.pruned).toEqual([]);
    expect(fake.object('Namespace', 'payments')).toBeDefined();
    expect(fake.object('Namespace', other.namespace)).toBeDefined();
    expect(fake.object('Deployment', 'payments', other.namespace)).toBeDefined();
  });

  it('prunes the throwaway PostgreSQL once the config switches to the shared database', async () => {
    const { fake, options } = await setup();
    const first = await previewUp(options);
    const deploy = deployConfig({ baseDomain: 'example.com' });
    deploy.preview = { ...deploy.preview, sharedDatabase: true };
    const shared = await previewUp({ ...options, deploy });
    expect(shared.database).toBe('shared');
    expect(shared.pruned).toEqual(
      expect.arrayContaining([
        { kind: 'Deployment', name: 'payments-postgres', namespace: first.namespace },
        { kind: 'Service', name: 'payments-postgres', namespace: first.namespace },
      ]),
    );
    expect(fake.object('Deployment', 'payments', first.namespace)).toBeDefined();
  });

  it('with the shared database, creates no Secret and warns about the one the pods need', async () => {
    const deploy = deployConfig({ baseDomain: 'example.com' });
    deploy.preview = { ...deploy.preview, sharedDatabase: true, baseDomain: 'preview.example.com' };
    const { fake, options, lines } = await setup({ deploy });
    const result = await previewUp(options);
    expect(result).toMatchObject({ database: 'shared', url: `https://${result.namespace}.preview.example.com` });
    expect(result).not.toHaveProperty('databaseSecret');
    expect(fake.object('Secret', 'payments-preview-db', result.namespace)).toBeUndefined();
    expect(fake.object('Deployment', 'payments-postgres', result.namespace)).toBeUndefined();
    const warning = result.warnings.find((w) => w.includes('"payments-secrets"'));
    expect(warning).toContain(`kubectl -n ${result.namespace} create secret generic payments-secrets`);
    expect(warning).toContain('DATABASE_URL');
    expect(lines).toContain(`warning: ${warning}`);
  });

  it('in a dry run sends every write with dryRun=All and changes nothing', async () => {
    const { fake, options } = await setup();
    const result = await previewUp({ ...options, dryRun: true });
    expect(result.dryRun).toBe(true);
    const writes = fake.requests.filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(5);
    for (const write of writes) expect(write.query.dryRun).toBe('All');
    expect(fake.object('Namespace', result.namespace)).toBeUndefined();
  });

  it('refuses a branch that cannot name a namespace before touching the cluster', async () => {
    const { fake, options } = await setup({ branch: '///' });
    await expect(previewUp(options)).rejects.toMatchObject({ code: 'E_PREVIEW_BRANCH', kind: 'input' });
    expect(fake.requests).toEqual([]);
  });
});
