import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { ordersIr } from '../../../testing/sample-irs.js';
import { makeServiceDir, sampleBrief, sampleVerifyReport } from '../fixtures/sample-service.js';
import { runPackage } from '../package.js';
import { loadPackageInput, packageContextFromConfig } from './load-package-input.js';

const root = mkdtempSync(join(tmpdir(), 'qlf-pkg-layout-'));
const serviceDir = makeServiceDir();
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(serviceDir, { recursive: true, force: true });
});

describe('loadPackageInput', () => {
  it('reads an <outDir>/<name>/ layout and packages it without the build context tarball', async () => {
    const layout = join(root, 'orders');
    cpSync(serviceDir, join(layout, 'service'), { recursive: true });
    writeFileSync(join(layout, 'ir.json'), canonicalJson(ordersIr()));
    mkdirSync(join(layout, 'verify'));
    writeFileSync(join(layout, 'verify', 'report.json'), canonicalJson(sampleVerifyReport));
    mkdirSync(join(layout, 'build'));
    writeFileSync(join(layout, 'build', 'Dockerfile'), 'FROM python:3.11-slim\n');
    writeFileSync(join(layout, 'build', 'context.tar'), 'big');
    const image = { status: 'skipped', tag: 'qlf/orders:abc', reason: 'no container engine' };
    writeFileSync(
      join(layout, 'build', 'build.json'),
      canonicalJson({ name: 'orders', stack: 'fastapi', contextDigest: 'x', contextFiles: [], image }),
    );
    writeFileSync(join(root, 'brief.qlf.yaml'), sampleBrief);
    const input = await loadPackageInput({ inputDir: layout, briefFile: join(root, 'brief.qlf.yaml') });
    expect(input.overlayFiles).toEqual([{ name: 'pci', digest: 'a'.repeat(64) }]);
    const { manifest } = await runPackage(input, {
      qlfVersion: '0.1.0',
      strict: false,
      docs: ['overview'],
      sourceDateEpoch: 0,
      sbomGenerator: 'qlf',
    });
    expect(manifest.files.filter((f) => f.path.startsWith('build/')).map((f) => f.path)).toEqual([
      'build/Dockerfile',
      'build/build.json',
    ]);
    expect(manifest.stages.build).toEqual({ status: 'skipped', reason: 'no container engine' });
    expect(manifest.stages.verify).toMatchObject({ status: 'ran', passed: true });
  });

  it('fails with a hint when the IR is missing', async () => {
    await expect(loadPackageInput({ inputDir: join(root, 'nothing'), briefFile: 'x' })).rejects.toMatchObject({
      code: 'E_PACKAGE_INPUT',
    });
  });
});

describe('packageContextFromConfig', () => {
  const config = { root: '/ws', verify: { strict: true, timeoutMs: 1 }, package: { docs: ['api' as const] } };
  it('takes the key from config (relative to the root), else QLF_SIGNING_KEY, else none', () => {
    expect(
      packageContextFromConfig({ ...config, package: { ...config.package, signingKey: 'keys/k.pem' } }, '1', {})
        .signingKey,
    ).toEqual({
      path: '/ws/keys/k.pem',
    });
    expect(packageContextFromConfig(config, '1', { QLF_SIGNING_KEY: '/abs/k.pem' }).signingKey).toEqual({
      path: '/abs/k.pem',
    });
    const none = packageContextFromConfig(config, '1', {});
    expect(none).toMatchObject({ strict: true, docs: ['api'], qlfVersion: '1' });
    expect(none.signingKey).toBeUndefined();
  });
});
