// Where a brief's service lives: its working copy, the user's source, committed beside the brief. By default
// `<brief folder>/service/`; `generate.serviceDir` in qlf.config.ts names another folder, relative to the brief's.
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { inputError } from '../core/errors.js';
import type { ResolvedConfig } from './config.js';

/** Where the last generated tree of each brief is kept on this machine (a cache of the merge base, never committed). */
export function localBaseDir(config: Pick<ResolvedConfig, 'root'>, name: string): string {
  return join(config.root, '.qlf', 'base', name);
}

/**
 * The working copy of the brief in `briefFile`: a folder inside the workspace that does not hold the brief itself (the
 * brief's folder, or one above it, would make the brief part of the service it describes).
 */
export function serviceDirOf(config: Pick<ResolvedConfig, 'root' | 'generate'>, briefFile: string): string {
  const setting = config.generate.serviceDir;
  const briefDir = dirname(resolve(config.root, briefFile));
  const dir = resolve(briefDir, setting);
  const fromRoot = relative(config.root, dir);
  const fromBrief = relative(dir, briefDir);
  const escapes = fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot);
  const swallows =
    fromBrief === '' || !(fromBrief === '..' || fromBrief.startsWith(`..${sep}`) || isAbsolute(fromBrief));
  if (escapes || swallows) {
    throw inputError(
      'E_CONFIG_SERVICE_DIR',
      `generate.serviceDir ${JSON.stringify(setting)} puts the service of ${relative(config.root, briefFile) || briefFile} at ${dir}`,
      {
        hint: escapes
          ? 'Choose a folder inside the workspace, relative to the brief, e.g. "service".'
          : 'Choose a folder that does not hold the brief itself, e.g. "service" (beside brief.qlf.yaml).',
      },
    );
  }
  return dir;
}
