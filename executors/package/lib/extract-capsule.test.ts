// Extraction: verified before anything is written, streamed into a hidden sibling, never outside the target folder,
// and every unusable target is a coded input error.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTar, gunzip, readTar } from '../../../core/tar.js';
import { repackCapsule, type SampleCapsule, withFirstHeader, writeSampleCapsule } from '../fixtures/sample-capsule.js';
import { extractCapsule } from './extract-capsule.js';
import { sealedGzip } from './sealed-gzip.js';
import { generateSigningKeyPair, loadPublicKey } from './signing-keys.js';
import type { PublicKeyInfo } from './verify-capsule.js';

const dir = mkdtempSync(join(tmpdir(), 'qlf-extract-'));
let sample: SampleCapsule;
let publicKey: PublicKeyInfo;
let otherKey: PublicKeyInfo;
const text = (value: string) => new TextEncoder().encode(value);
/** What is left in `dir` besides the fixtures: nothing half-written, no hidden staging folders. */
const leftovers = () =>
  readdirSync(dir).filter((name) => !/^(orders\.qlcapsule|sample\.(key|pub)|other\.pub)$/.test(name));

beforeAll(async () => {
  sample = await writeSampleCapsule(dir, { signed: true });
  publicKey = await loadPublicKey(sample.publicKeyPath!);
  writeFileSync(join(dir, 'other.pub'), generateSigningKeyPair('ed25519').publicPem);
  otherKey = await loadPublicKey(join(dir, 'other.pub'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first header of the capsule's tar renamed to `name`, checksum fixed, resealed: well-formed but hostile. */
function renamedFirstEntry(name: string): Uint8Array {
  return withFirstHeader(sample.capsule, (header) => {
    header.fill(0, 0, 100);
    header.set(text(name), 0);
  });
}

describe('extractCapsule', () => {
  it('verifies, then extracts every file with its mode into a new folder (creating its parents)', async () => {
    const target = join(dir, 'new/deeper/out');
    const result = await extractCapsule(sample.capsule, target, { publicKey });
    expect(result.files).toBe(readTar(gunzip(sample.capsule)).length);
    expect(result.verification?.checks.map((c) => [c.name, c.status]).at(-1)).toEqual(['signature', 'ok']);
    expect(readFileSync(join(target, 'source/app/main.py'), 'utf8')).toContain('FastAPI');
    expect(statSync(join(target, 'source/scripts/start.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(target, 'source/app/__init__.py')).mode & 0o777).toBe(0o644);
    await expect(extractCapsule(sample.capsule, target)).rejects.toMatchObject({ code: 'E_EXTRACT_TARGET' });
    rmSync(join(dir, 'new'), { recursive: true });
  });

  it('extracts into an existing empty folder', async () => {
    const target = join(dir, 'empty');
    mkdirSync(target);
    expect((await extractCapsule(sample.capsule, target)).files).toBeGreaterThan(10);
    rmSync(target, { recursive: true });
  });

  it('writes nothing when the capsule fails verification: a changed mode, a sealed tar without a manifest', async () => {
    const target = join(dir, 'missing-parent/out');
    const modeChanged = repackCapsule(sample.capsule, (files) =>
      files.map((f) => (f.path === 'source/app/__init__.py' ? { ...f, mode: 0o755 } : f)),
    );
    await expect(extractCapsule(modeChanged, target)).rejects.toMatchObject({
      code: 'E_CAPSULE_VERIFY',
      message: expect.stringContaining('source/app/__init__.py: mode 0755, manifest says 0644'),
    });
    const hook = sealedGzip(
      createTar([{ path: '.git/hooks/post-checkout', content: text('#!/bin/sh\necho pwned\n'), mode: 0o755 }]),
    );
    await expect(extractCapsule(hook, target)).rejects.toMatchObject({
      code: 'E_CAPSULE_VERIFY',
      message: expect.stringContaining('manifest.json is missing'),
    });
    const restamped = repackCapsule(sample.capsule, undefined, 1_700_000_000);
    await expect(extractCapsule(restamped, target)).rejects.toMatchObject({ code: 'E_CAPSULE_VERIFY' });
    await expect(extractCapsule(sample.capsule, target, { publicKey: otherKey })).rejects.toMatchObject({
      code: 'E_CAPSULE_VERIFY',
      message: expect.stringContaining('signature: signed by key'),
    });
    expect(leftovers()).toEqual([]);
    // --no-verify unpacks it anyway, for inspection.
    expect(await extractCapsule(hook, target, { verify: false })).toEqual({ files: 1, verification: undefined });
    expect(statSync(join(target, '.git/hooks/post-checkout')).mode & 0o777).toBe(0o755);
    rmSync(join(dir, 'missing-parent'), { recursive: true });
  });

  it('refuses escaping entries, verified or not, and leaves nothing behind', async () => {
    const target = join(dir, 'evil');
    const escaping = renamedFirstEntry('../../escape.txt');
    await expect(extractCapsule(escaping, target)).rejects.toMatchObject({
      code: 'E_CAPSULE_VERIFY',
      message: expect.stringContaining('".." segment'),
    });
    await expect(extractCapsule(escaping, target, { verify: false })).rejects.toMatchObject({ code: 'E_TAR_PATH' });
    await expect(extractCapsule(renamedFirstEntry('/etc/x'), target, { verify: false })).rejects.toMatchObject({
      code: 'E_TAR_PATH',
    });
    expect(existsSync(join(dir, '..', 'escape.txt'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('a damaged capsule is refused by its seal, with or without verification', async () => {
    const damaged = sample.capsule.slice();
    damaged[damaged.length - 20] = damaged[damaged.length - 20]! ^ 1;
    for (const verify of [true, false]) {
      await expect(extractCapsule(damaged, join(dir, 'damaged'), { verify })).rejects.toMatchObject({
        code: verify ? 'E_CAPSULE_VERIFY' : 'E_CAPSULE_SEAL',
      });
    }
    expect(leftovers()).toEqual([]);
  });

  describe('refuses an unusable target with a coded input error naming it', () => {
    it.each([
      ['an existing file', 'a-file', /a-file is a file, not a folder/],
      ['a folder under a file', 'a-file/out', /a-file is a file, so .*a-file\/out cannot be created/],
      [
        'a folder under a dangling symlink',
        'dangling/out',
        /dangling is a symbolic link to .*nowhere, which does not exist/,
      ],
      ['a dangling symlink', 'dangling', /dangling is a symbolic link; refusing/],
      ['a non-empty folder', 'full', /full is not empty/],
    ])('%s', async (_name, target, message) => {
      writeFileSync(join(dir, 'a-file'), 'x');
      if (!existsSync(join(dir, 'full'))) mkdirSync(join(dir, 'full'));
      writeFileSync(join(dir, 'full', 'keep.txt'), 'x');
      rmSync(join(dir, 'dangling'), { force: true });
      symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
      const error = await extractCapsule(sample.capsule, join(dir, target)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_EXTRACT_TARGET', kind: 'input', message: expect.stringMatching(message) });
      expect(readdirSync(join(dir, 'full'))).toEqual(['keep.txt']);
      expect(existsSync(join(dir, 'nowhere'))).toBe(false);
      rmSync(join(dir, 'a-file'));
      rmSync(join(dir, 'dangling'));
      rmSync(join(dir, 'full'), { recursive: true });
      expect(leftovers()).toEqual([]);
    });
  });
});
