// Packages a service produced by the real generate stage (FastAPI templates) and verifies the capsule.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paymentsIr } from '../../testing/sample-irs.js';
import { runGenerate } from '../generate/generate.js';
import { generateSigningKeyPair, loadPublicKey } from './lib/signing-keys.js';
import { verifyCapsule } from './lib/verify-capsule.js';
import { runPackage } from './package.js';

describe('package a generated service', () => {
  it('packages, signs and verifies the generated payments example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlf-pkg-gen-'));
    try {
      const ir = paymentsIr();
      const tree = await runGenerate(ir, { qlfVersion: '0.1.0' });
      const serviceDir = join(dir, 'service');
      for (const file of tree.files) {
        mkdirSync(dirname(join(serviceDir, file.path)), { recursive: true });
        writeFileSync(join(serviceDir, file.path), file.content, { mode: file.mode ?? 0o644 });
      }
      const pair = generateSigningKeyPair('ed25519');
      writeFileSync(join(dir, 'k.key'), pair.privatePem, { mode: 0o600 });
      writeFileSync(join(dir, 'k.pub'), pair.publicPem);
      const input = {
        ir,
        serviceDir,
        briefText: `name: ${ir.name}\n`,
        overlayFiles: ir.overlays.applied.map((o) => ({ name: o.name, digest: o.digest })),
      };
      const ctx = {
        qlfVersion: '0.1.0',
        strict: true,
        docs: ['overview', 'run', 'configuration', 'api', 'sbom', 'security'] as const,
        sourceDateEpoch: 0,
        sbomGenerator: 'qlf' as const,
        signingKey: { path: join(dir, 'k.key') },
      };
      const started = performance.now();
      const { capsule, manifest } = await runPackage(input, { ...ctx, docs: [...ctx.docs] });
      const elapsed = performance.now() - started;
      const again = await runPackage(input, { ...ctx, docs: [...ctx.docs] });
      expect(Buffer.from(again.capsule).equals(Buffer.from(capsule))).toBe(true);
      expect(manifest.files.length).toBeGreaterThan(tree.files.length);
      expect(manifest.files.filter((f) => f.path.startsWith('source/')).length).toBe(tree.files.length);
      expect(manifest.sbom.components).toBeGreaterThan(0);
      const result = verifyCapsule(capsule, { publicKey: await loadPublicKey(join(dir, 'k.pub')) });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
      console.info(
        `generated payments capsule: ${capsule.length} bytes, ${manifest.files.length} files, packaged in ${elapsed.toFixed(0)} ms`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
