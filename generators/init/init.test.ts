import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing.js';
import { createJiti } from 'jiti';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-info.js';
import { configSchema } from '../../schemas/config.js';
import initGenerator from './init.js';

/** The config file the generator wrote, evaluated as qlf loads it (`qlf` resolved to this checkout's sources). */
async function evaluateConfig(text: string): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-init-'));
  try {
    const file = join(dir, 'qlf.config.ts');
    await writeFile(file, text.replace("from 'qlf'", `from ${JSON.stringify(packagePath('schemas', 'config.ts'))}`));
    return await createJiti(import.meta.url, { fsCache: false, moduleCache: false }).import(file, { default: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('qlf:init', () => {
  it('writes qlf.config.ts with the defaults, through defineConfig', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await initGenerator(tree, {});
    const text = tree.read('qlf.config.ts', 'utf8') ?? '';
    expect(text).toContain("import { defineConfig } from 'qlf';");
    const written = (await evaluateConfig(text)) as Record<string, unknown>;
    const defaults = configSchema.parse({});
    expect(written).toEqual({
      briefs: defaults.briefs,
      outDir: defaults.outDir,
      cacheDir: defaults.cacheDir,
      overlays: { dirs: defaults.overlays.dirs },
    });
    expect(configSchema.parse(written)).toEqual(defaults);
  });

  it('keeps an existing qlf config, and ignores the folders it names', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const config = "export default { outDir: 'build/services', cacheDir: 'tmp/qlf-cache' };\n";
    tree.write('qlf.config.ts', config);
    await initGenerator(tree, {});
    expect(tree.read('qlf.config.ts', 'utf8')).toBe(config);
    expect(tree.read('.gitignore', 'utf8')).toContain('/build/services/\n');
    expect(tree.read('.gitignore', 'utf8')).toContain('/tmp/qlf-cache/\n');
  });

  it('keeps the cache, the artifacts and signing keys out of git, once', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', 'node_modules\n.nx/cache');
    await initGenerator(tree, {});
    const first = tree.read('.gitignore', 'utf8');
    expect(first).toBe(
      'node_modules\n.nx/cache\n\n# qlf: task cache, artifacts and signing keys\n.qlf/\n/dist/qlf/\n.keys/\nqlf-signing.key\n',
    );
    await initGenerator(tree, {});
    expect(tree.read('.gitignore', 'utf8')).toBe(first);
  });

  it('adds only what existing patterns do not already ignore', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', '/dist\n.qlf\n*.key\n');
    await initGenerator(tree, {});
    expect(tree.read('.gitignore', 'utf8')).toBe('/dist\n.qlf\n*.key\n');
    tree.write('.gitignore', '/dist\n');
    await initGenerator(tree, {});
    expect(tree.read('.gitignore', 'utf8')).toBe(
      '/dist\n\n# qlf: task cache, artifacts and signing keys\n.qlf/\n.keys/\nqlf-signing.key\n',
    );
  });

  it('adds the plugin to nx.json', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins).toContain('qlf/plugin');
  });

  it('is idempotent, also when the plugin is registered with options', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await initGenerator(tree, {});
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins?.filter((p) => p === 'qlf/plugin')).toHaveLength(1);

    const withOptions = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(withOptions) ?? {};
    withOptions.write(
      'nx.json',
      JSON.stringify({ ...nxJson, plugins: [{ plugin: 'qlf/plugin', options: { targetPrefix: 'q-' } }] }),
    );
    await initGenerator(withOptions, {});
    expect(readNxJson(withOptions)?.plugins).toEqual([{ plugin: 'qlf/plugin', options: { targetPrefix: 'q-' } }]);
  });

  it('keeps the other plugins', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('nx.json', JSON.stringify({ plugins: ['@nx/vite/plugin'] }));
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins).toEqual(['@nx/vite/plugin', 'qlf/plugin']);
  });

  it('rejects an unknown option, naming it', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(initGenerator(tree, { plugins: 'x' } as never)).rejects.toMatchObject({
      code: 'E_GENERATOR_OPTIONS',
      message: expect.stringContaining('plugins'),
    });
  });
});
