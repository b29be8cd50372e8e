// Nx generator `qlf:init` (also what `nx add qlf` runs): writes qlf.config.ts with the defaults unless a qlf config
// exists, keeps qlf's cache, artifacts and signing keys out of git, and registers the plugin in nx.json. Running it
// again changes nothing.
import { generateFiles, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { packagePath } from '../../core/package-info.js';
import { configSchema, type QlfConfig } from '../../schemas/config.js';
import { type InitGeneratorOptions, initGeneratorOptionsSchema } from '../../schemas/executor-options.js';
import { parseGeneratorOptions } from '../generator-options.js';
import { reportingQlfErrors } from '../report-errors.js';
import { readTreeConfig, treeConfigFile } from '../tree-config.js';
import { addGitignoreEntries, qlfIgnoreEntries } from './gitignore-entries.js';

/** A value as TypeScript source, in single quotes like the rest of a TypeScript workspace. */
const source = (value: unknown) => JSON.stringify(value).replace(/"/g, "'").replace(/,/g, ', ');

/** Writes qlf.config.ts with every default spelt out; returns the config it holds. */
function writeConfig(tree: Tree): QlfConfig {
  const defaults = configSchema.parse({});
  generateFiles(tree, packagePath('generators', 'init', 'files'), '.', {
    briefs: source(defaults.briefs),
    outDir: source(defaults.outDir),
    cacheDir: source(defaults.cacheDir),
    overlayDirs: source(defaults.overlays.dirs),
  });
  return defaults;
}

function registerPlugin(tree: Tree, plugin: string): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((entry) => (typeof entry === 'string' ? entry : entry.plugin) === plugin);
  if (!registered) updateNxJson(tree, { ...nxJson, plugins: [...plugins, plugin] });
}

async function initGenerator(tree: Tree, raw: InitGeneratorOptions = {}): Promise<void> {
  const { plugin } = parseGeneratorOptions('init', initGeneratorOptionsSchema, raw);
  const config = treeConfigFile(tree) ? (await readTreeConfig(tree)).config : writeConfig(tree);
  addGitignoreEntries(tree, qlfIgnoreEntries(config));
  registerPlugin(tree, plugin);
}

export default reportingQlfErrors(initGenerator);
