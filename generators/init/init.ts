// Nx generator `qlf:init`: registers the qlf plugin in nx.json, once (running it again changes nothing).
import { readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { type InitGeneratorOptions, initGeneratorOptionsSchema } from '../../schemas/executor-options.js';

export default async function initGenerator(tree: Tree, raw: InitGeneratorOptions = {}): Promise<void> {
  const { plugin } = initGeneratorOptionsSchema.parse(raw);
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((entry) => (typeof entry === 'string' ? entry : entry.plugin) === plugin);
  if (registered) return;
  updateNxJson(tree, { ...nxJson, plugins: [...plugins, plugin] });
}
