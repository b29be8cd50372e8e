import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { gunzip, readTar } from '../../core/tar.js';
import { ordersIr } from '../../testing/sample-irs.js';
import { makeServiceDir, sampleBrief, sampleVerifyReport } from './fixtures/sample-service.js';
import { generateSigningKeyPair, type KeyType, loadPublicKey } from './lib/signing-keys.js';
import { verifyCapsule } from './lib/verify-capsule.js';
import { type PackageContext, type PackageInput, runPackage } from './package.js';

const serviceDir = makeServiceDir();
const keyDir = mkdtempSync(join(tmpdir(), 'qlf-pkg-keys-'));
afterAll(() => {
  rmSync(serviceDir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

function writeKeys(type: KeyType, name: string = type) {
  const pair = generateSigningKeyPair(type);
  const privatePath = join(keyDir, `${name}.key`);
  const publicPath = join(keyDir, `${name}.pub`);
  writeFileSync(privatePath, pair.privatePem, { mode: 0o600 });
  writeFileSync(publicPath, pair.publicPem);
  return { ...pair, privatePath, publicPath };
}

const input: PackageInput = {
  ir: ordersIr(),
  serviceDir,
  verifyReport: sampleVerifyReport,
  build: { image: { skipped: 'no container engine' } },
  briefText: sampleBrief,
  overlayFiles: [{ name: 'pci', digest: `sha256:${'a'.repeat(64)}` }],
};
const ctx: PackageContext = {
  qlfVersion: '0.1.0',
  strict: false,
  docs: ['overview', 'run', 'configuration', 'api', 'sbom', 'security'],
  sourceDateEpoch: 0,
  sbomGenerator: 'qlf',
};
const entriesOf = (capsule: Uint8Array) => readTar(gunzip(capsule));

describe('runPackage', () => {
  it('is reproducible: same inputs give byte-identical capsules (unsigned and Ed25519-signed)', async () => {
    const one = await runPackage(input, ctx);
    const two = await runPackage(input, ctx);
    expect(sha256(one.capsule)).toBe(sha256(two.capsule));
    const key = writeKeys('ed25519');
    const signedCtx = { ...ctx, signingKey: { path: key.privatePath } };
    const a = await runPackage(input, signedCtx);
    const b = await runPackage(input, signedCtx);
    expect(sha256(a.capsule)).toBe(sha256(b.capsule));
    expect(a.fileName).toBe('orders.qlcapsule');
  });

  it('ECDSA signatures are randomised, so only the provenance envelope differs between runs', async () => {
    const key = writeKeys('ecdsa-p256');
    const signedCtx = { ...ctx, signingKey: { path: key.privatePath } };
    const a = entriesOf((await runPackage(input, signedCtx)).capsule);
    const b = entriesOf((await runPackage(input, signedCtx)).capsule);
    const differing = a.filter((entry, i) => sha256(entry.content) !== sha256(b[i]!.content)).map((e) => e.path);
    expect(differing).toEqual(['provenance/provenance.intoto.json']);
  });

  it('holds the service (without caches), IR, verify report, SBOMs, docs, provenance and manifest', async () => {
    const { capsule, manifest } = await runPackage(input, ctx);
    const entries = entriesOf(capsule);
    const paths = entries.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'source/requirements.txt',
        'source/app/main.py',
        'source/openapi.json',
        'ir.json',
        'verify/report.json',
        'sbom/cyclonedx.json',
        'sbom/spdx.json',
        'docs/README.md',
        'docs/index.html',
        'provenance/provenance.intoto.json',
        'manifest.json',
      ]),
    );
    expect(paths.filter((p) => p.includes('__pycache__') || p.includes('.pytest_cache') || p.endsWith('.pyc'))).toEqual(
      [],
    );
    expect(entries.find((e) => e.path === 'source/scripts/start.sh')?.mode).toBe(0o755);
    // The manifest, which the provenance signs, pins every mode the archive stores.
    for (const file of manifest.files) {
      const mode = entries.find((e) => e.path === file.path)!.mode;
      expect(file.mode, file.path).toBe(mode === 0o755 ? '0755' : '0644');
    }
    expect(manifest.files.find((f) => f.path === 'source/scripts/start.sh')?.mode).toBe('0755');
    expect(new Set(entries.map((e) => e.mtime))).toEqual(new Set([0]));
    expect(manifest.files.map((f) => f.path)).toEqual([...manifest.files.map((f) => f.path)].sort());
    expect(manifest.files.map((f) => f.path)).not.toContain('manifest.json');
    expect(manifest).toMatchObject({
      name: 'orders',
      brief: { name: 'orders', sha256: sha256(sampleBrief) },
      overlays: [{ name: 'pci', digest: 'a'.repeat(64) }],
      stages: {
        verify: {
          status: 'ran',
          passed: true,
          counts: { runnersPassed: 1, runnersSkipped: 1, warnings: 1, errors: 0 },
        },
        build: { status: 'skipped', reason: 'no container engine' },
      },
      sbom: { generator: 'qlf', components: 4 },
      signature: { signed: false },
    });
    if (manifest.vulnScan.status === 'skipped') expect(manifest.vulnScan.reason).toBe('trivy/grype not installed');
  });

  it('records in the CycloneDX SBOM the version each dependency was tested with, from the verify report', async () => {
    const entries = entriesOf((await runPackage(input, ctx)).capsule);
    const bom = JSON.parse(new TextDecoder().decode(entries.find((e) => e.path === 'sbom/cyclonedx.json')!.content));
    const tested = (name: string) =>
      bom.components
        .find((c: { name: string }) => c.name === name)
        .properties.find((p: { name: string }) => p.name === 'qlf:tested-version')?.value;
    expect(tested('uvicorn')).toBe('0.22.0');
    expect(tested('fastapi')).toBe('0.92.0');
    expect(tested('sqlalchemy')).toBeUndefined();
    const untested = await runPackage({ ...input, verifyReport: { ...sampleVerifyReport, tested: undefined } }, ctx);
    expect(
      new TextDecoder().decode(entriesOf(untested.capsule).find((e) => e.path === 'sbom/cyclonedx.json')!.content),
    ).not.toContain('qlf:tested-version');
  });

  it('writes no wall-clock time anywhere: every date is the fixed epoch', async () => {
    const { capsule } = await runPackage(input, ctx);
    for (const entry of entriesOf(capsule)) {
      const dates = new TextDecoder().decode(entry.content).match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g) ?? [];
      expect(
        dates.filter((d) => !d.startsWith('1970-01-01')),
        entry.path,
      ).toEqual([]);
    }
  });

  it('renders docs with every section, HTML-escaped and self-contained', async () => {
    const entries = entriesOf((await runPackage(input, ctx)).capsule);
    const html = new TextDecoder().decode(entries.find((e) => e.path === 'docs/index.html')!.content);
    const md = new TextDecoder().decode(entries.find((e) => e.path === 'docs/README.md')!.content);
    expect(html).toContain('customers &lt;place&gt; orders &amp; pay');
    expect(html).toContain('List &lt;orders&gt;');
    expect(html).not.toMatch(/<(script|link)\b|src=|https?:\/\//);
    for (const heading of [
      'Overview',
      'Run',
      'Configuration',
      'API',
      'Software bill of materials',
      'Security and compliance',
    ]) {
      expect(md).toContain(`## ${heading}`);
    }
    expect(md).toContain('| DELETE | `/api/v1/orders/{id}` | Delete an order |');
    expect(md).toContain('python -m uvicorn app.main:app --port 8000');
    expect(md).toContain('`JWT_SECRET`');
    expect(md).toContain('| `Order.card_number` | pan | encryptAtRest: true, logs: redact, responses: mask-last4 |');
    expect(md).toContain('| pci | 1.0.0 | compliance | explicit |');
    expect(md).not.toMatch(/\n{3,}/);
    const only = entriesOf((await runPackage(input, { ...ctx, docs: ['api'] })).capsule);
    const apiOnly = new TextDecoder().decode(only.find((e) => e.path === 'docs/README.md')!.content);
    expect(apiOnly).toContain('## API');
    expect(apiOnly).not.toContain('## Overview');
  });

  it.each(['ecdsa-p256', 'ed25519'] as const)(
    'signs with %s; verify accepts the right key and rejects another',
    async (type) => {
      const key = writeKeys(type, `${type}-rt`);
      const other = writeKeys(type, `${type}-other`);
      const { capsule, manifest } = await runPackage(input, { ...ctx, signingKey: { path: key.privatePath } });
      expect(manifest.signature).toEqual({
        signed: true,
        keyId: key.keyId,
        algorithm: type === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256',
      });
      const good = verifyCapsule(capsule, { publicKey: await loadPublicKey(key.publicPath) });
      expect(good.ok, JSON.stringify(good.checks)).toBe(true);
      expect(good.checks.map((c) => [c.name, c.status])).toEqual([
        ['seal', 'ok'],
        ['archive', 'ok'],
        ['manifest', 'ok'],
        ['files', 'ok'],
        ['provenance', 'ok'],
        ['signature', 'ok'],
      ]);
      const bad = verifyCapsule(capsule, { publicKey: await loadPublicKey(other.publicPath) });
      expect(bad.ok).toBe(false);
      expect(bad.checks.at(-1)?.detail).toMatch(/not by the given key/);
      // The private key never lands in the capsule.
      const body = key.privatePem.split('\n').slice(1, -2).join('');
      const tar = Buffer.from(gunzip(capsule));
      expect(tar.includes(body)).toBe(false);
      expect(tar.includes('PRIVATE KEY')).toBe(false);
    },
  );

  it('unsigned: envelope has no signatures; --key fails; strict mode refuses with E_UNSIGNED', async () => {
    const { capsule, manifest } = await runPackage(input, ctx);
    expect(manifest.signature).toEqual({ signed: false });
    const plain = verifyCapsule(capsule);
    expect(plain.ok).toBe(true);
    expect(plain.envelope?.signatures).toEqual([]);
    expect(plain.checks.at(-1)).toMatchObject({ status: 'skipped', detail: 'the capsule is unsigned' });
    const key = writeKeys('ed25519', 'unsigned-check');
    const withKey = verifyCapsule(capsule, { publicKey: await loadPublicKey(key.publicPath) });
    expect(withKey.ok).toBe(false);
    expect(withKey.checks.at(-1)?.detail).toMatch(/unsigned/);
    await expect(runPackage(input, { ...ctx, strict: true })).rejects.toMatchObject({ code: 'E_UNSIGNED' });
  });

  it('names a bad key file without printing its content', async () => {
    const path = join(keyDir, 'junk.key');
    writeFileSync(path, 'SECRET-MATERIAL-123');
    const error = await runPackage(input, { ...ctx, signingKey: { path } }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'E_SIGNING_KEY' });
    expect(String((error as Error).message)).not.toContain('SECRET-MATERIAL');
  });

  it('packages build files when given', async () => {
    const buildDir = makeServiceDir();
    try {
      writeFileSync(join(buildDir, 'Dockerfile'), 'FROM python:3.11-slim\n');
      const { manifest } = await runPackage(
        {
          ...input,
          build: { contextDir: buildDir, files: ['Dockerfile'], image: { id: 'sha256:1', tag: 'orders:dev' } },
        },
        ctx,
      );
      expect(manifest.files.filter((f) => f.path.startsWith('build/')).map((f) => f.path)).toEqual([
        'build/Dockerfile',
      ]);
      expect(manifest.stages.build).toEqual({ status: 'built', image: { id: 'sha256:1', tag: 'orders:dev' } });
    } finally {
      rmSync(buildDir, { recursive: true, force: true });
    }
  });
});
