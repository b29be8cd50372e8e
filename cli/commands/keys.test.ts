// `qlf keys fingerprint` (and `keys generate` feeding it) in-process through `main`, in a temporary workspace.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSigner } from '../../executors/package/lib/signing-keys.js';
import { runQlf } from '../testing/run-qlf-in-process.js';

let ws: string;
let savedKey: string | undefined;
beforeEach(async () => {
  ws = await mkdtemp(join(tmpdir(), 'qlf-keys-'));
  savedKey = process.env.QLF_SIGNING_KEY;
  delete process.env.QLF_SIGNING_KEY;
});
afterEach(async () => {
  if (savedKey === undefined) delete process.env.QLF_SIGNING_KEY;
  else process.env.QLF_SIGNING_KEY = savedKey;
  await rm(ws, { recursive: true, force: true });
});

/** Generates a key pair into `<ws>/<dir>` and returns the private key's absolute path. */
async function generate(dir: string): Promise<string> {
  const result = await runQlf(ws, ['keys', 'generate', '--out', dir]);
  expect(result.code).toBe(0);
  return join(ws, dir, 'qlf-signing.key');
}

describe('qlf keys fingerprint', () => {
  it('prints only the id of the key QLF_SIGNING_KEY points at', async () => {
    const key = await generate('env-key');
    process.env.QLF_SIGNING_KEY = key;
    const result = await runQlf(ws, ['keys', 'fingerprint']);
    expect(result).toEqual({ code: 0, stdout: `${(await loadSigner(key)).keyId}\n`, stderr: '' });
    expect(result.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('prefers `package.signingKey` from the config, relative to the workspace root, over QLF_SIGNING_KEY', async () => {
    process.env.QLF_SIGNING_KEY = await generate('env-key');
    const configured = await generate('keys');
    await writeFile(join(ws, 'qlf.config.json'), JSON.stringify({ package: { signingKey: 'keys/qlf-signing.key' } }));
    await mkdir(join(ws, 'sub'));
    const result = await runQlf(join(ws, 'sub'), ['keys', 'fingerprint', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ keyId: (await loadSigner(configured)).keyId, signed: true });
  });

  it('prints `unsigned` when no key is configured', async () => {
    expect(await runQlf(ws, ['keys', 'fingerprint'])).toEqual({ code: 0, stdout: 'unsigned\n', stderr: '' });
    const json = await runQlf(ws, ['keys', 'fingerprint', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ keyId: 'unsigned', signed: false });
  });

  it('exits 2 naming the path and QLF_SIGNING_KEY when the key file is missing', async () => {
    process.env.QLF_SIGNING_KEY = join(ws, 'nowhere.key');
    const result = await runQlf(ws, ['keys', 'fingerprint']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('E_SIGNING_KEY');
    expect(result.stderr).toContain(join(ws, 'nowhere.key'));
    expect(result.stderr).toContain('QLF_SIGNING_KEY environment variable');
    expect(result.stderr).toContain('fix: ');
  });

  it('exits 2 naming `package.signingKey` when the configured key file is missing', async () => {
    await writeFile(join(ws, 'qlf.config.json'), JSON.stringify({ package: { signingKey: 'keys/k.key' } }));
    const result = await runQlf(ws, ['keys', 'fingerprint']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(ws, 'keys/k.key'));
    expect(result.stderr).toContain('`package.signingKey` in qlf.config.json');
  });

  it('exits 2 naming the source when the key file is not a PEM private key', async () => {
    await writeFile(join(ws, 'garbage.key'), 'not a key\n');
    process.env.QLF_SIGNING_KEY = 'garbage.key';
    const result = await runQlf(ws, ['keys', 'fingerprint']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the signing key ${join(ws, 'garbage.key')} is not an unencrypted PEM private key`);
    expect(result.stderr).toContain('set by the QLF_SIGNING_KEY environment variable');
    expect(result.stderr).not.toContain('not a key');
  });

  it('rejects generate-only options and unknown actions', async () => {
    expect((await runQlf(ws, ['keys', 'fingerprint', '--force'])).code).toBe(2);
    const unknown = await runQlf(ws, ['keys', 'rotate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('qlf keys fingerprint');
  });
});
