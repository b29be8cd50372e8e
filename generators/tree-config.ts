// The qlf config of the workspace a generator edits, read from the generator's Tree (so a config the same run wrote
// counts) and validated like `qlf` validates it. Paths stay as written: relative to the workspace root.
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { inputError } from '../core/errors.js';
import { packagePath } from '../core/package-info.js';
import { zodIssues } from '../core/zod-issues.js';
import { configSchema, type QlfConfig } from '../schemas/config.js';
import { CONFIG_FILES } from '../workspace/config.js';

/** The workspace's qlf config file, if the Tree has one. */
export const treeConfigFile = (tree: Tree) => CONFIG_FILES.find((file) => tree.exists(file));

async function evaluate(tree: Tree, file: string): Promise<unknown> {
  const text = tree.read(file, 'utf8') ?? '';
  if (file.endsWith('.json')) return JSON.parse(text);
  const { createJiti } = await import('jiti');
  // `qlf` is the package running this generator (the one the workspace installed), also in a Tree not on disk yet.
  const qlf = import.meta.url.endsWith('.ts') ? packagePath('index.ts') : packagePath('dist', 'index.js');
  const jiti = createJiti(import.meta.url, { fsCache: false, moduleCache: false, alias: { qlf } });
  // Evaluated as if it were the file on disk, so its relative imports resolve from the workspace.
  const module = (await jiti.evalModule(text, { filename: join(tree.root, file), async: true })) as {
    default?: unknown;
  };
  return module.default ?? module;
}

/** The config (defaults filled) and its file; a config that does not load or validate is an input error. */
export async function readTreeConfig(tree: Tree): Promise<{ config: QlfConfig; file?: string }> {
  const file = treeConfigFile(tree);
  let raw: unknown = {};
  if (file) {
    try {
      raw = await evaluate(tree, file);
    } catch (error) {
      throw inputError('E_CONFIG_LOAD', `cannot load ${file}: ${(error as Error).message}`, {
        hint: 'Fix the syntax error in the config file; it must `export default defineConfig({...})`.',
      });
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw inputError('E_CONFIG_SCHEMA', `invalid config in ${file}`, {
      issues: zodIssues(parsed.error, { file, code: 'E_CONFIG_SCHEMA' }),
    });
  }
  return { config: parsed.data, file };
}
