import { readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing.js';
import { describe, expect, it } from 'vitest';
import initGenerator from './init.js';

describe('qlf:init', () => {
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
});
