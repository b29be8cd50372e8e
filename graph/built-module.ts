// Where the built JavaScript of an engine module is: worker threads import built files only, also when qlf itself runs
// from the TypeScript sources (tests), where they are found under dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packagePath } from '../core/package-info.js';

/** Whether this module runs from the TypeScript sources (tests) rather than from dist/. */
export const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');

/** The built file for `rel` (a path under graph/): beside this module when built, under dist/ when run from sources. */
export function builtModule(rel: string): string {
  const url = fromSources ? pathToFileURL(packagePath('dist', 'graph', rel)).href : new URL(rel, import.meta.url).href;
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`qlf: ${fileURLToPath(url)} is missing; run \`npm run build\` first`);
  }
  return url;
}
