// Tampering: every way of changing a signed capsule is rejected with a message naming what changed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { createTar, gunzip, type ReadTarEntry, readTar, type TarEntry } from '../../../core/tar.js';
import { ordersIr } from '../../../testing/sample-irs.js';
import { withFirstHeader } from '../fixtures/sample-capsule.js';
import { makeServiceDir, sampleBrief } from '../fixtures/sample-service.js';
import { runPackage } from '../package.js';
import { sealedGzip } from './sealed-gzip.js';
import { generateSigningKeyPair, loadPublicKey } from './signing-keys.js';
import { type PublicKeyInfo, verifyCapsule, verifyCapsuleStreaming } from './verify-capsule.js';

const dir = mkdtempSync(join(tmpdir(), 'qlf-tamper-'));
const serviceDir = makeServiceDir();
let capsule: Uint8Array;
let otherCapsule: Uint8Array;
let publicKey: PublicKeyInfo;
let entries: ReadTarEntry[];

async function keyFiles(name: string) {
  const pair = generateSigningKeyPair('ed25519');
  writeFileSync(join(dir, `${name}.key`), pair.privatePem, { mode: 0o600 });
  writeFileSync(join(dir, `${name}.pub`), pair.publicPem);
  return { privatePath: join(dir, `${name}.key`), publicKey: await loadPublicKey(join(dir, `${name}.pub`)) };
}

beforeAll(async () => {
  const key = await keyFiles('main');
  const other = await keyFiles('other');
  publicKey = key.publicKey;
  const input = { ir: ordersIr(), serviceDir, briefText: sampleBrief, overlayFiles: [] };
  const ctx = {
    qlfVersion: '0.1.0',
    strict: true,
    docs: ['overview' as const],
    sourceDateEpoch: 0,
    sbomGenerator: 'qlf' as const,
    vulnScan: 'off' as const,
  };
  capsule = (await runPackage(input, { ...ctx, signingKey: { path: key.privatePath } })).capsule;
  const otherInput = { ...input, ir: { ...ordersIr(), description: 'Another service.' } };
  otherCapsule = (await runPackage(otherInput, { ...ctx, signingKey: { path: other.privatePath } })).capsule;
  entries = readTar(gunzip(capsule));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(serviceDir, { recursive: true, force: true });
});

/** What an attacker who understands the format does: rebuild a well-formed, freshly sealed capsule. */
function repack(change: (files: TarEntry[]) => TarEntry[]): Uint8Array {
  return sealedGzip(createTar(change(entries.map((e) => ({ path: e.path, content: e.content, mode: e.mode })))));
}
const text = (value: string) => new TextEncoder().encode(value);
function failure(bytes: Uint8Array) {
  const result = verifyCapsule(bytes, { publicKey });
  expect(result.ok).toBe(false);
  return result.checks.find((c) => c.status === 'failed')!;
}
const withMode = (path: string, mode: number) => (files: TarEntry[]) =>
  files.map((f) => (f.path === path ? { ...f, mode } : f));

describe('verifyCapsule', () => {
  it('accepts the untouched capsule', () => {
    const result = verifyCapsule(capsule, { publicKey });
    expect(result.ok, JSON.stringify(result.checks)).toBe(true);
  });

  it('rejects a byte changed inside a file', () => {
    const bad = repack((files) =>
      files.map((f) =>
        f.path === 'source/app/main.py' ? { ...f, content: text(`${new TextDecoder().decode(f.content)}#`) } : f,
      ),
    );
    expect(failure(bad)).toMatchObject({ name: 'files', detail: expect.stringMatching(/source\/app\/main\.py: size/) });
    const same = repack((files) =>
      files.map((f) => (f.path === 'ir.json' ? { ...f, content: f.content.map((b, i) => (i === 5 ? b ^ 1 : b)) } : f)),
    );
    expect(failure(same).detail).toMatch(/ir\.json: sha256 differs/);
  });

  it('rejects an added file and a removed file', () => {
    expect(failure(repack((files) => [...files, { path: 'source/backdoor.py', content: text('x') }])).detail).toMatch(
      /source\/backdoor\.py: not listed in the manifest/,
    );
    expect(failure(repack((files) => files.filter((f) => f.path !== 'sbom/spdx.json'))).detail).toMatch(
      /sbom\/spdx\.json: listed in the manifest but missing/,
    );
  });

  it('rejects a file whose mode was changed: the signed manifest pins every mode', () => {
    expect(failure(repack(withMode('source/app/__init__.py', 0o755)))).toMatchObject({
      name: 'files',
      detail: 'source/app/__init__.py: mode 0755, manifest says 0644',
    });
    expect(failure(repack(withMode('source/scripts/start.sh', 0o644))).detail).toBe(
      'source/scripts/start.sh: mode 0644, manifest says 0755',
    );
    expect(failure(repack(withMode('manifest.json', 0o755))).detail).toBe('manifest.json: mode 0755, must be 0644');
  });

  it("rejects entries whose mtime is not the manifest's sourceDateEpoch", () => {
    const restamped = sealedGzip(createTar(entries, { mtime: 1_700_000_000 }));
    expect(failure(restamped)).toMatchObject({
      name: 'files',
      detail: "mtime 1700000000 on every entry, but the manifest's sourceDateEpoch is 0",
    });
  });

  it('rejects a manifest of another capsule format', () => {
    const bad = repack((files) =>
      files.map((f) => {
        if (f.path !== 'manifest.json') return f;
        const manifest = JSON.parse(new TextDecoder().decode(f.content));
        return { ...f, content: text(canonicalJson({ ...manifest, capsuleVersion: 'qlf.dev/capsule/v1' })) };
      }),
    );
    expect(failure(bad)).toMatchObject({
      name: 'manifest',
      detail: expect.stringMatching(/capsule format .*v1 is not/),
    });
  });

  it('streaming verification reaches the same verdict as in-memory verification', async () => {
    const cases = [
      capsule,
      repack(withMode('source/app/__init__.py', 0o755)),
      sealedGzip(createTar(entries, { mtime: 7 })),
      repack((files) => files.filter((f) => f.path !== 'manifest.json')),
      capsule.subarray(0, capsule.length - 10),
      sealedGzip(gunzip(capsule).subarray(0, 4096)),
    ];
    for (const bytes of cases) {
      expect(await verifyCapsuleStreaming(bytes, { publicKey })).toEqual(verifyCapsule(bytes, { publicKey }));
    }
  });

  it('rejects an edited manifest (even one edited consistently with the files)', () => {
    const bad = repack((files) =>
      files.map((f) => {
        if (f.path !== 'manifest.json') return f;
        const manifest = JSON.parse(new TextDecoder().decode(f.content));
        manifest.stages.verify = { status: 'absent', reason: 'nothing to see' };
        return { ...f, content: text(canonicalJson(manifest)) };
      }),
    );
    expect(failure(bad)).toMatchObject({
      name: 'provenance',
      detail: expect.stringMatching(/subject digest .* sha256\(manifest\.json\)/),
    });
  });

  it('rejects a provenance envelope swapped in from another capsule', () => {
    const foreign = readTar(gunzip(otherCapsule)).find((e) => e.path === 'provenance/provenance.intoto.json')!;
    const bad = repack((files) => files.map((f) => (f.path === foreign.path ? { ...f, content: foreign.content } : f)));
    expect(failure(bad)).toMatchObject({ name: 'provenance', detail: expect.stringMatching(/subject digest/) });
  });

  it('rejects a signature swapped in from another key', () => {
    const foreignEnvelope = JSON.parse(
      new TextDecoder().decode(
        readTar(gunzip(otherCapsule)).find((e) => e.path === 'provenance/provenance.intoto.json')!.content,
      ),
    );
    const bad = repack((files) =>
      files.map((f) => {
        if (f.path !== 'provenance/provenance.intoto.json') return f;
        const envelope = JSON.parse(new TextDecoder().decode(f.content));
        envelope.signatures[0].sig = foreignEnvelope.signatures[0].sig;
        return { ...f, content: text(`${JSON.stringify(envelope, null, 2)}\n`) };
      }),
    );
    expect(failure(bad)).toMatchObject({ name: 'signature', detail: expect.stringMatching(/does not match/) });
  });

  it('rejects a truncated capsule', () => {
    expect(failure(capsule.subarray(0, capsule.length - 100))).toMatchObject({ name: 'seal' });
    const tar = gunzip(capsule);
    expect(failure(sealedGzip(tar.subarray(0, tar.length - 2048)))).toMatchObject({
      name: 'archive',
      detail: expect.stringMatching(/truncated/),
    });
  });

  it('rejects path traversal, absolute paths and symlinks', () => {
    const hostile = (name: string, type = '0', link = '') => {
      const tar = gunzip(capsule);
      const header = tar.slice(0, 512);
      header.fill(0, 0, 100);
      header.set(text(name), 0);
      header[156] = type.charCodeAt(0);
      header.set(text(link), 157);
      header.fill(0x20, 148, 156);
      const sum = header.reduce((n, b) => n + b, 0);
      header.set(text(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
      const out = tar.slice();
      out.set(header, 0);
      return sealedGzip(out);
    };
    expect(failure(hostile('../x')).detail).toMatch(/"\.\." segment/);
    expect(failure(hostile('/etc/x')).detail).toMatch(/absolute path/);
    expect(failure(hostile('link', '2', '/etc/passwd')).detail).toMatch(/symbolic link/);
  });

  it('rejects bomb-like input before inflating it', () => {
    const limits = { maxEntries: 100, maxTotalBytes: 1 << 20, maxEntryBytes: 1 << 20 };
    const bomb = sealedGzip(createTar([{ path: 'zeros', content: new Uint8Array(8 << 20) }]));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const result = verifyCapsule(bomb, { publicKey, limits });
    expect(result.checks.at(-1)).toMatchObject({
      name: 'archive',
      detail: expect.stringMatching(/expands past the limit/),
    });
    // A header that declares a huge size is refused from the header alone.
    const huge = withFirstHeader(capsule, (header) => header.set(text('77777777777\0'), 124));
    expect(failure(huge).detail).toMatch(/over the limit/);
  });

  it('rejects a plain gzip of the same tar (unsealed)', () => {
    expect(failure(new Uint8Array(gzipSync(gunzip(capsule))))).toMatchObject({ name: 'seal' });
  });

  it('property: flipping any byte of a signed capsule is rejected (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.nat({ max: capsule.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const bad = capsule.slice();
        bad[index] = bad[index]! ^ mask;
        return !verifyCapsule(bad, { publicKey }).ok;
      }),
      { numRuns: 1000 },
    );
  });

  it('property: flipping any byte of the inner tar, then resealing, is still rejected (500 runs)', () => {
    const tar = gunzip(capsule);
    fc.assert(
      fc.property(fc.nat({ max: tar.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const bad = tar.slice();
        bad[index] = bad[index]! ^ mask;
        return !verifyCapsule(sealedGzip(bad), { publicKey }).ok;
      }),
      { numRuns: 500 },
    );
  });
});
