// `qlf keys` and `qlf capsule` through the real CLI entry point, with output captured.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTar, gunzip, readTar } from '../../core/tar.js';
import { repackCapsule } from '../../executors/package/fixtures/sample-capsule.js';
import { makeServiceDir, sampleBrief } from '../../executors/package/fixtures/sample-service.js';
import { sealedGzip } from '../../executors/package/lib/sealed-gzip.js';
import { runPackage } from '../../executors/package/package.js';
import { ordersIr } from '../../testing/sample-irs.js';
import { main } from '../main.js';
import type { Output } from '../output.js';

function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  const id = (text: string) => text;
  const output: Output = {
    color: false,
    isTTY: false,
    print: (text) => lines.out.push(text),
    info: (text) => lines.err.push(text),
    json: (value) => lines.out.push(JSON.stringify(value)),
    style: { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id },
  };
  return { output, lines };
}

async function qlf(...argv: string[]) {
  const { output, lines } = capture();
  const code = await main(argv, output);
  return { code, stdout: lines.out.join('\n'), stderr: lines.err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'qlf-cli-capsule-'));
const serviceDir = makeServiceDir();
const capsulePath = join(dir, 'orders.qlcapsule');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(serviceDir, { recursive: true, force: true });
});

describe('qlf keys generate', () => {
  it('writes a 0600 private key and a public key, and refuses to overwrite without --force', async () => {
    const first = await qlf('keys', 'generate', '--type', 'ecdsa-p256', '--out', join(dir, 'ec'));
    expect(first.code).toBe(0);
    expect(statSync(join(dir, 'ec', 'qlf-signing.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'ec', 'qlf-signing.key'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(join(dir, 'ec', 'qlf-signing.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect(first.stdout).not.toContain('PRIVATE KEY');
    const again = await qlf('keys', 'generate', '--type', 'ecdsa-p256', '--out', join(dir, 'ec'));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('E_KEY_EXISTS');
    expect((await qlf('keys', 'generate', '--out', join(dir, 'ec'), '--force')).code).toBe(0);
    expect((await qlf('keys', 'generate', '--type', 'rsa', '--out', join(dir, 'rsa'))).code).toBe(2);
  });
});

describe('qlf capsule', () => {
  beforeAll(async () => {
    expect((await qlf('keys', 'generate', '--out', join(dir, 'ed'))).code).toBe(0);
    expect((await qlf('keys', 'generate', '--out', join(dir, 'other'))).code).toBe(0);
    const { capsule } = await runPackage(
      { ir: ordersIr(), serviceDir, briefText: sampleBrief, overlayFiles: [] },
      {
        qlfVersion: '0.1.0',
        strict: true,
        docs: ['overview'],
        sourceDateEpoch: 0,
        sbomGenerator: 'qlf',
        signingKey: { path: join(dir, 'ed', 'qlf-signing.key') },
      },
    );
    writeFileSync(capsulePath, capsule);
  });

  it('verify: every check ✓ and exit 0 with the right key', async () => {
    const result = await qlf('capsule', 'verify', capsulePath, '--key', join(dir, 'ed', 'qlf-signing.pub'));
    expect(result.code).toBe(0);
    for (const name of ['seal', 'archive', 'manifest', 'files', 'provenance', 'signature']) {
      expect(result.stdout).toMatch(new RegExp(`✓ ${name}`));
    }
  });

  it('verify: exit 1 with ✗ for the wrong key and for a tampered file', async () => {
    const wrong = await qlf('capsule', 'verify', capsulePath, '--key', join(dir, 'other', 'qlf-signing.pub'));
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✗ signature/);
    const entries = readTar(gunzip(readFileSync(capsulePath)));
    const tampered = entries.map((e) =>
      e.path === 'source/app/main.py'
        ? { ...e, content: new TextEncoder().encode('import os\nos.system("curl evil")\n') }
        : e,
    );
    const badPath = join(dir, 'tampered.qlcapsule');
    writeFileSync(badPath, sealedGzip(createTar(tampered)));
    const bad = await qlf('capsule', 'verify', badPath, '--key', join(dir, 'ed', 'qlf-signing.pub'), '--json');
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.at(-1)).toMatchObject({ name: 'files', status: 'failed' });
  });

  it('verify: exit 1 when a mode or the mtimes were changed, though every content still matches', async () => {
    const capsule = readFileSync(capsulePath);
    const modePath = join(dir, 'mode.qlcapsule');
    writeFileSync(
      modePath,
      repackCapsule(capsule, (files) =>
        files.map((f) => (f.path === 'source/app/__init__.py' ? { ...f, mode: 0o755 } : f)),
      ),
    );
    const mtimePath = join(dir, 'mtime.qlcapsule');
    writeFileSync(mtimePath, repackCapsule(capsule, undefined, 1_700_000_000));
    const key = join(dir, 'ed', 'qlf-signing.pub');
    const mode = await qlf('capsule', 'verify', modePath, '--key', key);
    expect(mode.code).toBe(1);
    expect(mode.stdout).toContain('✗ files      source/app/__init__.py: mode 0755, manifest says 0644');
    expect(mode.stdout).toContain('FAILED verification');
    const mtime = await qlf('capsule', 'verify', mtimePath, '--key', key);
    expect(mtime.code).toBe(1);
    expect(mtime.stdout).toContain(
      "✗ files      mtime 1700000000 on every entry, but the manifest's sourceDateEpoch is 0",
    );
  });

  it('verify: exit 2 for a missing file, a non-capsule and bad usage', async () => {
    expect((await qlf('capsule', 'verify', join(dir, 'nope.qlcapsule'))).code).toBe(2);
    writeFileSync(join(dir, 'text.qlcapsule'), 'hello');
    expect((await qlf('capsule', 'verify', join(dir, 'text.qlcapsule'))).code).toBe(2);
    expect((await qlf('capsule', 'frobnicate', capsulePath)).code).toBe(2);
    expect((await qlf('capsule', 'verify')).code).toBe(2);
  });

  it('inspect lists the manifest summary and files', async () => {
    const human = await qlf('capsule', 'inspect', capsulePath);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('signature     ed25519');
    expect(human.stdout).toContain('source/app/main.py');
    const json = JSON.parse((await qlf('capsule', 'inspect', capsulePath, '--json')).stdout);
    expect(json.manifest.name).toBe('orders');
    expect(json.files.map((f: { path: string }) => f.path)).toContain('manifest.json');
  });

  it('extract writes the files into a new folder and refuses a non-empty one', async () => {
    const target = join(dir, 'unpacked');
    expect((await qlf('capsule', 'extract', capsulePath, target)).code).toBe(0);
    expect(readFileSync(join(target, 'source/requirements.txt'), 'utf8')).toContain('fastapi');
    expect((await qlf('capsule', 'extract', capsulePath, target)).code).toBe(2);
  });

  it('extract verifies first: a tampered capsule exits 2 and writes nothing, unless --no-verify', async () => {
    const tamperedPath = join(dir, 'hooked.qlcapsule');
    writeFileSync(
      tamperedPath,
      repackCapsule(readFileSync(capsulePath), (files) => [
        ...files,
        { path: '.git/hooks/post-checkout', content: new TextEncoder().encode('#!/bin/sh\n'), mode: 0o755 },
      ]),
    );
    const target = join(dir, 'hooked');
    const refused = await qlf('capsule', 'extract', tamperedPath, target);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error E_CAPSULE_VERIFY: the capsule failed verification (files: .git/hooks/post-checkout: not listed in the manifest)',
    );
    expect(refused.stderr).toContain('fix: Nothing was extracted.');
    expect(existsSync(target)).toBe(false);
    const unverified = await qlf('capsule', 'extract', tamperedPath, target, '--no-verify');
    expect(unverified.code).toBe(0);
    expect(unverified.stdout).toContain('not verified');
    expect(statSync(join(target, '.git/hooks/post-checkout')).mode & 0o777).toBe(0o755);
  });

  it('extract --key checks the signature before writing; --key with --no-verify is a usage error', async () => {
    const other = await qlf(
      'capsule',
      'extract',
      capsulePath,
      join(dir, 'other-key'),
      '--key',
      join(dir, 'other', 'qlf-signing.pub'),
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/E_CAPSULE_VERIFY: .*signature: signed by key/);
    expect(existsSync(join(dir, 'other-key'))).toBe(false);
    const good = await qlf(
      'capsule',
      'extract',
      capsulePath,
      join(dir, 'right-key'),
      '--key',
      join(dir, 'ed', 'qlf-signing.pub'),
      '--json',
    );
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      verified: true,
      checks: expect.arrayContaining([{ name: 'signature', status: 'ok', detail: expect.any(String) }]),
    });
    const both = await qlf('capsule', 'extract', capsulePath, join(dir, 'both'), '--key', 'k.pub', '--no-verify');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('E_USAGE');
  });
});
