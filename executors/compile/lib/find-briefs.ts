// Finds brief files from command-line paths: a file is taken as given, a folder is searched with the config's globs.
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { inputError } from '../../../core/errors.js';
import type { ResolvedConfig } from '../../../workspace/config.js';

/** Absolute brief paths, sorted and deduplicated; `paths` default to the workspace root. */
export async function findBriefs(paths: string[], cwd: string, config: ResolvedConfig): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths.length > 0 ? paths : [config.root]) {
    const absolute = resolve(cwd, path);
    let kind: 'file' | 'dir';
    try {
      kind = (await stat(absolute)).isDirectory() ? 'dir' : 'file';
    } catch {
      throw inputError('E_BRIEF_NOT_FOUND', `no such brief file or folder: ${path}`, {
        hint: 'Pass a brief file (brief.qlf.yaml) or a folder that contains briefs.',
      });
    }
    if (kind === 'file') {
      found.add(absolute);
      continue;
    }
    const matches = await glob(config.briefs, { cwd: absolute, ignore: config.ignore, absolute: true, dot: false });
    for (const match of matches) found.add(resolve(match));
  }
  if (found.size === 0) {
    throw inputError(
      'E_NO_BRIEFS',
      `no briefs found under ${paths.map((p) => relative(cwd, resolve(cwd, p)) || '.').join(', ') || '.'}`,
      {
        hint: `Briefs are found by the config's \`briefs\` globs (${config.briefs.join(', ')}); create one named brief.qlf.yaml.`,
      },
    );
  }
  return [...found].sort();
}
