// `qlf keys` and `qlf capsule` through the real CLI entry point, with output captured.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTar, gunzip, readTar } from '../../core/tar.js';
import { makeServiceDir, sampleBrief, sampleIr } from '../../executors/package/fixtures/sample-service.js';
import { sealedGzip } from '../../executors/package/lib/sealed-gzip.js';
import { runPackage } from '../../executors/package/package.js';
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
      { ir: sampleIr(), serviceDir, briefText: sampleBrief, overlayFiles: [] },
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
});
