import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QlfError } from '../core/errors.js';
import { loadConfig, resolveRemoteCacheEnv } from './config.js';

async function workspace(config?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-config-'));
  if (config !== undefined) await writeFile(join(dir, 'qlf.config.ts'), config);
  return dir;
}

describe('loadConfig', () => {
  const strict = process.env.QLF_STRICT;
  afterEach(() => {
    if (strict === undefined) delete process.env.QLF_STRICT;
    else process.env.QLF_STRICT = strict;
  });

  it('fills defaults and makes paths absolute when there is no config file', async () => {
    const dir = await workspace();
    delete process.env.QLF_STRICT;
    const config = await loadConfig(dir);
    expect(config.root).toBe(dir);
    expect(config.outDir).toBe(join(dir, 'dist/qlf'));
    expect(config.briefs).toEqual(['**/brief.qlf.yaml']);
    expect(config.verify.strict).toBe(false);
  });

  it('loads a TypeScript config from a parent folder', async () => {
    const dir = await workspace(
      "const config: { outDir: string; overlays: { dirs: string[] } } = { outDir: 'build', overlays: { dirs: ['my-overlays'] } };\nexport default config;\n",
    );
    await mkdir(join(dir, 'services/a'), { recursive: true });
    const config = await loadConfig(join(dir, 'services/a'));
    expect(config.root).toBe(dir);
    expect(config.outDir).toBe(join(dir, 'build'));
    expect(config.overlays.dirs).toEqual([join(dir, 'my-overlays')]);
  });

  it('reports a bad option with the accepted values', async () => {
    const dir = await workspace("export default { generate: { provider: 'gpt' } };\n");
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QlfError);
    const issue = (error as QlfError).issues[0]!;
    expect(issue.path).toBe('generate.provider');
    expect(issue.hint).toMatch(/"templates"/);
  });

  it('reports a syntax error as bad input', async () => {
    const dir = await workspace('export default {{{');
    await expect(loadConfig(dir)).rejects.toMatchObject({ code: 'E_CONFIG_LOAD', kind: 'input' });
  });

  it('turns strict on from QLF_STRICT', async () => {
    const dir = await workspace();
    process.env.QLF_STRICT = '1';
    expect((await loadConfig(dir)).verify.strict).toBe(true);
  });
});

describe('cache.remote', () => {
  const names = ['QLF_REMOTE_CACHE_URL', 'QLF_REMOTE_CACHE_TEAM', 'QLF_REMOTE_CACHE_READ_ONLY'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('is off by default and read from the config file', async () => {
    for (const name of names) delete process.env[name];
    expect((await loadConfig(await workspace())).cache.remote).toBeUndefined();
    const dir = await workspace(
      "export default { cache: { remote: { url: 'https://cache.example.com', team: 'ci' } } };\n",
    );
    expect((await loadConfig(dir)).cache.remote).toEqual({
      url: 'https://cache.example.com',
      team: 'ci',
      readOnly: false,
    });
  });

  it('takes the environment over the config file', async () => {
    const dir = await workspace(
      "export default { cache: { remote: { url: 'https://cache.example.com', team: 'ci' } } };\n",
    );
    process.env.QLF_REMOTE_CACHE_URL = 'http://127.0.0.1:3000/turbo';
    process.env.QLF_REMOTE_CACHE_TEAM = 'dev';
    process.env.QLF_REMOTE_CACHE_READ_ONLY = 'true';
    expect((await loadConfig(dir)).cache.remote).toEqual({
      url: 'http://127.0.0.1:3000/turbo',
      team: 'dev',
      readOnly: true,
    });
  });

  it.each([
    [{ QLF_REMOTE_CACHE_URL: 'https://c.example' }, { url: 'https://c.example', readOnly: false }],
    [{ QLF_REMOTE_CACHE_TEAM: 'x', QLF_REMOTE_CACHE_READ_ONLY: '1' }, undefined],
    [
      { QLF_REMOTE_CACHE_URL: 'https://c.example', QLF_REMOTE_CACHE_READ_ONLY: 'no' },
      { url: 'https://c.example', readOnly: false },
    ],
  ])('resolves %j', (env, expected) => {
    expect(resolveRemoteCacheEnv(undefined, env)).toEqual(expected);
  });

  it.each([
    [{ QLF_REMOTE_CACHE_URL: 'ftp://c.example' }, /QLF_REMOTE_CACHE_URL must use http/],
    [{ QLF_REMOTE_CACHE_URL: 'https://user:s3cret@c.example' }, /QLF_REMOTE_CACHE_URL must not hold credentials/],
    [
      { QLF_REMOTE_CACHE_URL: 'https://c.example', QLF_REMOTE_CACHE_READ_ONLY: 'maybe' },
      /READ_ONLY="maybe" is not a yes\/no/,
    ],
  ])('refuses %j', (env, message) => {
    const error = (() => {
      try {
        resolveRemoteCacheEnv(undefined, env);
      } catch (e) {
        return e as QlfError;
      }
    })();
    expect(error).toMatchObject({ code: 'E_CONFIG_ENV', kind: 'input', message: expect.stringMatching(message) });
    expect(error?.message).not.toContain('s3cret');
  });

  it.each([
    ["{ url: 'https://c.example', token: 's3cret' }", 'cache.remote.token', /QLF_REMOTE_CACHE_TOKEN/],
    ["{ url: 'https://u:s3cret@c.example' }", 'cache.remote.url', /must not hold credentials/],
    ["{ url: 'c.example' }", 'cache.remote.url', /absolute http/],
  ])('refuses remote %s in the config file', async (remote, path, message) => {
    for (const name of names) delete process.env[name];
    const dir = await workspace(`export default { cache: { remote: ${remote} } };\n`);
    const error = (await loadConfig(dir).catch((e: unknown) => e)) as QlfError;
    expect(error.code).toBe('E_CONFIG_SCHEMA');
    expect(error.issues).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
    expect(JSON.stringify(error.issues)).not.toContain('s3cret');
  });
});
