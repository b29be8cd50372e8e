// What regenerating a brief would do to its working copy, without touching it: the saved brief compiled and
// generated with the templates (as `qlf generate --dry-run` does), merged by the real three-way merge into a throwaway
// copy of the working copy and its merge base, then each changed file diffed against the working copy. Also lists
// the conflict markers the working copy holds now (left by a regeneration and not resolved yet).
import { copyFile, cp, lstat, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOCK_FILE } from '../../core/never-shipped.js';
import { ownedTempDir } from '../../core/owned-temp.js';
import { qlfVersion } from '../../core/package-info.js';
import { snapshotSource } from '../../core/source-tree.js';
import { runCompile } from '../../executors/compile/compile.js';
import { generateFromRecordedIr, migrationSchemaOf } from '../../executors/generate/generate.js';
import { conflictHunks, hasConflictMarkers } from '../../executors/generate/lib/merge.js';
import { mergeIntoWorkingCopy } from '../../executors/generate/lib/working-copy-merge.js';
import { generateService } from '../../executors/generate/model/generate-service.js';
import { loadOverlayRegistry } from '../../overlays/index.js';
import { readBriefText } from '../../workspace/briefs.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { localBaseDir, serviceDirOf } from '../../workspace/working-copy.js';
import type { FileDiff, RegenerationResponse } from '../shared/api.js';
import { briefByName, fileTree } from './outputs-api.js';
import { unifiedDiff } from './unified-diff.js';

/** Files shown line by line at most; larger ones are listed without their diff. */
const MAX_DIFF_BYTES = 256 * 1024;
const MAX_DIFFS = 200;

const read = (path: string) => readFile(path, 'utf8').catch(() => undefined);
const present = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

/** Conflict markers in the working copy as it is now. */
async function currentConflicts(config: ResolvedConfig, name: string, dir: string) {
  const unresolved: RegenerationResponse['unresolved'] = [];
  for (const file of (await fileTree(config, name)).files) {
    if (file.size > MAX_DIFF_BYTES) continue;
    const text = await read(join(dir, file.path));
    if (text !== undefined && hasConflictMarkers(text))
      unresolved.push({ path: file.path, hunks: conflictHunks(text) });
  }
  return unresolved;
}

async function diffOf(path: string, change: FileDiff['change'], before?: string, after?: string): Promise<FileDiff> {
  const size = Math.max(before?.length ?? 0, after?.length ?? 0);
  if (size > MAX_DIFF_BYTES) return { path, change, hunks: [], omitted: `larger than ${MAX_DIFF_BYTES} bytes` };
  if ((before ?? '').includes('\0') || (after ?? '').includes('\0'))
    return { path, change, hunks: [], omitted: 'binary' };
  return { path, change, hunks: unifiedDiff(before ?? '', after ?? '') };
}

export async function previewRegeneration(config: ResolvedConfig, name: string): Promise<RegenerationResponse> {
  const started = performance.now();
  const brief = await briefByName(config, name);
  const serviceDir = serviceDirOf(config, brief.file);
  const source = await readBriefText(brief.file, relative(config.root, brief.file));
  const { ir, json } = await runCompile({
    source,
    overlays: await loadOverlayRegistry(config.overlays.dirs),
    autoApplyThreshold: config.overlays.autoApplyThreshold,
  });
  // Templates only, as a dry run does: a preview never calls (or pays for) a model.
  const templates = { ...config, generate: { ...config.generate, provider: 'templates' as const } };
  const { tree, usage } = await generateService(ir, { config: templates, brief: name, log: () => undefined });
  const scratch = await ownedTempDir('ui-regenerate');
  try {
    const copy = join(scratch, 'service');
    const base = join(scratch, 'base');
    const workingCopy = await present(serviceDir);
    if (workingCopy) {
      await snapshotSource(serviceDir, copy);
      if (await present(join(serviceDir, LOCK_FILE)))
        await copyFile(join(serviceDir, LOCK_FILE), join(copy, LOCK_FILE));
    }
    const realBase = localBaseDir(config, name);
    if (await present(realBase)) await cp(realBase, base, { recursive: true });
    const outcome = await mergeIntoWorkingCopy(tree, copy, {
      localBase: base,
      ir: JSON.parse(json) as Record<string, unknown>,
      generator: { qlf: qlfVersion(), provider: usage.provider },
      regenerate: generateFromRecordedIr,
      schema: migrationSchemaOf(ir),
    });
    const { report } = outcome;
    const changed: [string, FileDiff['change']][] = [
      ...report.conflicts.map((path) => [path, 'conflict'] as [string, FileDiff['change']]),
      ...report.merged.map((path) => [path, 'merged'] as [string, FileDiff['change']]),
      ...(workingCopy ? report.written.map((path) => [path, 'written'] as [string, FileDiff['change']]) : []),
      ...report.removed.map((path) => [path, 'removed'] as [string, FileDiff['change']]),
      ...(outcome.revision ? [[outcome.revision.path, 'revision'] as [string, FileDiff['change']]] : []),
    ];
    const diffs: FileDiff[] = [];
    for (const [path, change] of changed.slice(0, MAX_DIFFS)) {
      diffs.push(await diffOf(path, change, await read(join(serviceDir, path)), await read(join(copy, path))));
    }
    return {
      workingCopy,
      report: { ...report, unchanged: report.unchanged.length },
      diffs,
      unresolved: workingCopy ? await currentConflicts(config, name, serviceDir) : [],
      ...(outcome.revision
        ? {
            revision: {
              path: outcome.revision.path,
              message: outcome.revision.message,
              warnings: outcome.revision.warnings.map((warning) => warning.message),
            },
          }
        : {}),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
