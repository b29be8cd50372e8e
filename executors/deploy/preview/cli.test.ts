// `qlf preview` through the real CLI entry point (in-process, output captured) against the fake API server: exit
// codes, the table and JSON of `list`, `gc`, and `down` refusing what is not a preview.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runQlf } from '../../../cli/testing/run-qlf-in-process.js';
import { FakeKubeApi } from '../fixtures/fake-kube-api.js';
import { previewNamespace } from './naming.js';

const dir = mkdtempSync(join(tmpdir(), 'qlf-cli-preview-'));
const kubeconfig = join(dir, 'kubeconfig');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fake: FakeKubeApi;
beforeEach(async () => {
  fake = await FakeKubeApi.start();
  writeFileSync(kubeconfig, fake.kubeconfigYaml());
});
afterEach(() => fake.close());

/** `qlf <argv>` in-process, in the test's folder, output captured. */
const qlf = (...argv: string[]) => runQlf(dir, argv);

const hours = (n: number) => String(Math.floor(Date.now() / 1000) + n * 3600);
function seedPreview(name: string, expires: string) {
  const labels = {
    'qlf.dev/preview': 'true',
    'app.kubernetes.io/managed-by': 'qlf',
    'qlf.dev/preview-of': 'shop',
    'qlf.dev/expires': expires,
  };
  fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }, 'qlf');
}

describe('qlf preview', () => {
  it('list prints a table, or JSON with --json', async () => {
    seedPreview('shop-a-111111', hours(3));
    const table = await qlf('preview', 'list', '--kubeconfig', kubeconfig);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAMESPACE\s+BRIEF\s+BRANCH\s+OWNER\s+AGE\s+EXPIRES\s+STATUS\s+URL/);
    expect(table.stdout).toMatch(/shop-a-111111\s+shop\s+-\s+-\s+0m\s+in 2h59m\s+Active\s+https:\/\/shop-a-111111\./);
    const json = await qlf('preview', 'list', '--json', '--kubeconfig', kubeconfig);
    expect(JSON.parse(json.stdout).previews[0]).toMatchObject({ namespace: 'shop-a-111111', expired: false });
  });

  it('gc deletes the expired preview only', async () => {
    seedPreview('shop-a-111111', hours(3));
    seedPreview('shop-b-222222', hours(-1));
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { 'qlf.dev/expires': '1' } } });
    const dry = await qlf('preview', 'gc', '--dry-run', '--kubeconfig', kubeconfig);
    expect(dry.stdout).toContain('namespace/shop-b-222222 would be deleted');
    expect(fake.object('Namespace', 'shop-b-222222')).toBeDefined();
    const result = await qlf('preview', 'gc', '--json', '--kubeconfig', kubeconfig);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).deleted.map((p: { namespace: string }) => p.namespace)).toEqual(['shop-b-222222']);
    expect(fake.object('Namespace', 'shop-b-222222')).toBeUndefined();
    expect(fake.object('Namespace', 'shop-a-111111')).toBeDefined();
    expect(fake.object('Namespace', 'other')).toBeDefined();
  });

  it('down deletes a preview by brief and branch, and refuses a namespace that is not one (exit 2)', async () => {
    const namespace = previewNamespace('shop', 'feat/x');
    seedPreview(namespace, hours(3));
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    const refused = await qlf('preview', 'down', '--namespace', 'prod', '--kubeconfig', kubeconfig);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('E_PREVIEW_NOT_PREVIEW');
    expect(fake.object('Namespace', 'prod')).toBeDefined();
    const done = await qlf('preview', 'down', 'shop', '--branch', 'feat/x', '--kubeconfig', kubeconfig);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`deleted preview namespace ${namespace}`);
    expect(fake.object('Namespace', namespace)).toBeUndefined();
    const again = await qlf('preview', 'down', 'shop', '--branch', 'feat/x', '--kubeconfig', kubeconfig);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('E_PREVIEW_NOT_FOUND');
  });

  it.each([
    [['preview'], 'E_USAGE'],
    [['preview', 'launch'], 'E_USAGE'],
    [['preview', 'list', '--ttl', '1h'], 'E_USAGE'],
    [['preview', 'down'], 'E_USAGE'],
    [['preview', 'up', 'payments', '--ttl', '2w'], 'E_PREVIEW_TTL'],
    [['preview', 'up', 'payments', '--branch', '///'], 'E_PREVIEW_BRANCH'],
  ])('qlf %j is bad input: exit 2 with %s', async (argv, code) => {
    const result = await qlf(...argv, '--kubeconfig', kubeconfig);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(code);
    expect(fake.requests).toEqual([]);
  });
});
