// Which briefs a change touches, for `qlf run --affected` (files changed since a git ref) and `qlf watch` (files
// saved): a brief whose file or working copy changed, whose last IR applied a changed overlay, or that was never
// compiled; every brief when the config changed; plus every brief that uses an affected one, transitively.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { inputError } from '../core/errors.js';
import { builtinOverlayDir } from '../overlays/lib/builtin-overlay-dir.js';
import type { BriefRef } from '../workspace/briefs.js';
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

/** Whether `file` is an overlay qlf reads: a YAML file directly in the built-in catalogue or an overlay folder. */
export function isOverlayFile(config: Pick<ResolvedConfig, 'overlays'>, file: string): boolean {
  const dir = dirname(file);
  return /\.ya?ml$/.test(file) && (dir === builtinOverlayDir() || config.overlays.dirs.some((d) => resolve(d) === dir));
}

/** The overlay an overlay file holds: its file name without the extension (the registry refuses any other name). */
const overlayName = (file: string) => basename(file, extname(file));

/** Names of the overlays the brief's last IR applied; undefined when it was never compiled (or its IR is unreadable). */
async function lastApplied(config: ResolvedConfig, brief: BriefRef): Promise<string[] | undefined> {
  try {
    const ir = JSON.parse(await readFile(join(briefOutDir(config, brief.name), 'ir.json'), 'utf8')) as {
      overlays?: { applied?: { name: string }[] };
    };
    return (ir.overlays?.applied ?? []).map((overlay) => overlay.name);
  } catch {
    return undefined;
  }
}

/** Whether one of `changed` is in the brief's working copy (an edit there re-runs the stages that read it). */
function inWorkingCopy(config: ResolvedConfig, brief: BriefRef, changed: readonly string[]): boolean {
  let service: string;
  try {
    service = `${serviceDirOf(config, brief.file)}${sep}`;
  } catch {
    return false; // a bad generate.serviceDir is reported by the stage that writes the working copy
  }
  return changed.some((file) => file.startsWith(service));
}

/** `names` plus every brief that uses one of them, transitively; sorted. */
function withDependents(briefs: readonly BriefRef[], names: Iterable<string>): string[] {
  const selected = new Set(names);
  for (let grew = true; grew; ) {
    grew = false;
    for (const brief of briefs) {
      if (!selected.has(brief.name) && brief.uses.some((used) => selected.has(used))) {
        selected.add(brief.name);
        grew = true;
      }
    }
  }
  return [...selected].sort();
}

/**
 * Names of the `briefs` that the `changed` files (absolute) affect, and the briefs that use them, sorted: a brief whose
 * file or working copy changed, or whose last IR applied a changed overlay, or that was never compiled; every brief
 * when the config file changed.
 */
export async function briefsAffectedBy(
  config: ResolvedConfig,
  briefs: readonly BriefRef[],
  changed: readonly string[],
): Promise<string[]> {
  const files = new Set(changed);
  if (config.configFile && files.has(resolve(config.configFile))) return briefs.map((b) => b.name).sort();
  const overlays = new Set(changed.filter((file) => isOverlayFile(config, file)).map(overlayName));
  const affected = await Promise.all(
    briefs.map(async (brief) => {
      if (files.has(brief.file) || inWorkingCopy(config, brief, changed)) return true;
      const applied = await lastApplied(config, brief);
      // never compiled: it has to run
      return applied === undefined || applied.some((name) => overlays.has(name));
    }),
  );
  return withDependents(
    briefs,
    briefs.filter((_, i) => affected[i]).map((brief) => brief.name),
  );
}

/** Names of the briefs affected by what changed since `base` (committed, staged, unstaged and untracked), sorted. */
export async function affectedBriefs(options: AffectedOptions): Promise<string[]> {
  const { config } = options;
  const [briefs, changed] = await Promise.all([discoverBriefs(config), changedFiles(config.root, options.base)]);
  return briefsAffectedBy(config, briefs, changed);
}
