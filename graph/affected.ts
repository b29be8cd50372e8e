// `--affected`: which briefs a change touches. A brief is affected when its file or its working copy changed, when an
// overlay it applied (read from its last IR) changed, when it was never compiled, or when the config changed (then all are); plus every
// brief that uses an affected one, transitively.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { inputError } from '../core/errors.js';
import { packagePath } from '../core/package-info.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { serviceDirOf } from '../workspace/working-copy.js';
import { discoverBriefs } from './discover-briefs.js';
import { briefOutDir } from './publish.js';

const run = promisify(execFile);

export interface AffectedOptions {
  config: ResolvedConfig;
  /** Git ref to compare with (`git diff BASE...HEAD`, plus uncommitted and untracked changes). */
  base: string;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw inputError('E_AFFECTED_GIT', `git ${args.join(' ')} failed: ${stderr}`, {
      hint: 'Run inside a git repository and pass an existing ref with --base (e.g. --base main).',
    });
  }
}

/** Absolute paths of the files changed since `base` (committed, staged, unstaged and untracked). */
export async function changedFiles(root: string, base: string): Promise<string[]> {
  const top = (await git(root, ['rev-parse', '--show-toplevel'])).trim();
  const outputs = await Promise.all([
    git(root, ['diff', '--name-only', `${base}...HEAD`]),
    git(root, ['diff', '--name-only', 'HEAD']),
    git(root, ['ls-files', '--others', '--exclude-standard']),
  ]);
  const files = new Set<string>();
  for (const [index, output] of outputs.entries()) {
    // ls-files prints paths relative to the cwd; diff prints them relative to the top level.
    const from = index === 2 ? root : top;
    for (const line of output.split('\n')) if (line.trim()) files.add(resolve(from, line.trim()));
  }
  return [...files].sort();
}

async function overlayName(file: string): Promise<string> {
  try {
    // Loaded here: `qlf run` imports this module, and a run without --affected never parses YAML.
    const { parse } = await import('yaml');
    const data = parse(await readFile(file, 'utf8')) as { name?: unknown } | null;
    if (data && typeof data.name === 'string') return data.name;
  } catch {
    // deleted or unreadable: fall back to the file name
  }
  return basename(file, extname(file)).replace(/\.overlay$/, '');
}

/** Names of the affected briefs, sorted. */
export async function affectedBriefs(options: AffectedOptions): Promise<string[]> {
  const { config } = options;
  const briefs = await discoverBriefs(config);
  const changed = await changedFiles(config.root, options.base);
  const isUnder = (file: string, dir: string) => file.startsWith(`${resolve(dir)}${sep}`);
  if (config.configFile && changed.includes(resolve(config.configFile))) return briefs.map((b) => b.name);
  const overlayDirs = [packagePath('overlays'), ...config.overlays.dirs];
  const changedOverlayFiles = changed.filter(
    (file) => overlayDirs.some((dir) => isUnder(file, dir)) && /\.(ya?ml|json)$/.test(file),
  );
  const changedOverlays = new Set(await Promise.all(changedOverlayFiles.map(overlayName)));
  const affected = new Set<string>();
  for (const brief of briefs) {
    if (changed.includes(brief.file)) {
      affected.add(brief.name);
      continue;
    }
    // An edit to its working copy (the service's source) re-runs the stages that read it.
    const service = serviceDirOf(config, brief.file);
    if (changed.some((file) => isUnder(file, service))) {
      affected.add(brief.name);
      continue;
    }
    try {
      const ir = JSON.parse(await readFile(join(briefOutDir(config, brief.name), 'ir.json'), 'utf8')) as {
        overlays?: { applied?: { name: string }[] };
      };
      if ((ir.overlays?.applied ?? []).some((overlay) => changedOverlays.has(overlay.name))) affected.add(brief.name);
    } catch {
      affected.add(brief.name); // never compiled (or its IR is unreadable): it has to run
    }
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const brief of briefs) {
      if (!affected.has(brief.name) && brief.uses.some((used) => affected.has(used))) {
        affected.add(brief.name);
        grew = true;
      }
    }
  }
  return [...affected].sort();
}
