// Brings a newly generated tree into the service's working copy (the user's source) with a three-way merge per file:
// base = what the working copy was last generated from, theirs = the new generation, ours = the working copy. The
// base comes from the committed lock file (`qlf.lock.json`), its files cached locally in `.qlf/base/<name>/` and
// generated again from the lock's IR where that cache is missing or stale.
import { lstatSync, readFileSync, type Stats } from 'node:fs';
import { chmod, mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { replaceDirAtomic, writeFileAtomic } from '../../../core/atomic-fs.js';
import { canonicalJson } from '../../../core/canonical-json.js';
import { inputError, workError } from '../../../core/errors.js';
import { sha256 } from '../../../core/hash.js';
import { LOCK_FILE } from '../../../core/never-shipped.js';
import { noteOwnWrite } from '../../../core/own-writes.js';
import { resolveInside } from '../../../core/safe-path.js';
import type { GeneratedTree } from '../../../schemas/generated-tree.js';
import { type GenerationLock, generationLockSchema } from '../../../schemas/generation-lock.js';
import type { MigrationSchema } from '../../../schemas/migration-schema.js';
import { conflictHunks, hasConflictMarkers, mergeFile } from './merge.js';
import { planRevision } from './migrations/plan-revision.js';
import type { MigrationWarning } from './migrations/schema-diff.js';
import { assertSafeRelativePath } from './relative-path.js';
import { stageFiles } from './staged-writes.js';

/** What happened to each path, relative to the working copy; every list is sorted. */
export interface MergeReport {
  /** Written as generated: new files, and files the user had not touched. */
  written: string[];
  /** Already exactly as generated. */
  unchanged: string[];
  /** User edits and generator changes merged cleanly. */
  merged: string[];
  /** Merged with conflict markers (`<<<<<<< yours` … `>>>>>>> generated`) for the user to resolve. */
  conflicts: string[];
  /** The user deleted it; it stays deleted even though qlf still generates it. */
  keptDeleted: string[];
  /** No longer generated and never edited by the user, so removed. */
  removed: string[];
  /** Edited by the user and left as they are: the generator's version did not change, or it no longer generates them. */
  kept: string[];
}

/** A conflicted region of a file: 1-based first and last line, markers included. */
export interface ConflictHunk {
  start: number;
  end: number;
}

export interface MergeOutcome {
  report: MergeReport;
  /** Every file of the working copy that holds conflict markers after the merge, with where they are. */
  unresolved: { path: string; hunks: ConflictHunk[] }[];
  /** Files whose merge base could not be recovered (merged two-way, as if there were none). */
  baseUnknown: string[];
  /** Whether anything was written (false for a dry run). */
  wrote: boolean;
  /** The Alembic revision this generation added (the schema changed), with what a person should review in it. */
  revision?: { path: string; message: string; warnings: MigrationWarning[] };
}

/** Writes one file whose folder exists; injectable so tests can make a write fail part-way. */
export type FileWriter = (absPath: string, content: string, mode: number) => Promise<void>;

export interface MergeOptions {
  /** Where the files of the last generation are cached on this machine (`.qlf/base/<name>`). */
  localBase: string;
  /** The IR `tree` was generated from: recorded in the lock so the base can be derived again. */
  ir: Record<string, unknown>;
  /** What generated `tree`. */
  generator: GenerationLock['generator'];
  /** Generates the tree of an earlier IR (read from the lock) when the local copy of the base is missing or stale. */
  regenerate: (ir: Record<string, unknown>) => Promise<GeneratedTree>;
  /**
   * The database schema of the new generation: when it differs from the one the lock records, the next Alembic
   * revision is written under `migrations/versions/` (never over an existing file) and the lock records the schema.
   */
  schema?: MigrationSchema;
  /** Work out the outcome without writing anything. */
  dryRun?: boolean;
  /** Writes one file; tests inject failures with it. @default staged atomic writes (./staged-writes.ts) */
  writeFile?: FileWriter;
}

const DEFAULT_MODE = 0o644;

// Reads and stats below are synchronous, as in cache/file-stamp.ts: a merge looks at ~150 small files, and each
// asynchronous read costs four thread-pool round trips, about ten times the CPU of one synchronous read.

/** The file at `path`, or undefined when it cannot be read (absent, or not a file). */
function readFileIfAny(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `file` when `rel` is a regular file under `root`, `absent` when nothing is there. A symlink or folder on the way is an
 * error: writing through it could leave the working copy, and qlf cannot merge into it.
 */
function plainFileState(root: string, rel: string): 'file' | 'absent' {
  const segments = rel.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const part = segments.slice(0, i).join('/');
    let stat: Stats | undefined;
    try {
      stat = lstatSync(resolveInside(root, part), { throwIfNoEntry: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    }
    if (!stat) return 'absent';
    const last = i === segments.length;
    if (stat.isSymbolicLink() || (last ? !stat.isFile() : !stat.isDirectory())) {
      throw inputError(
        'E_SERVICE_PATH',
        `${join(root, part)} is a ${stat.isSymbolicLink() ? 'symlink' : last ? 'folder' : 'file'} where qlf generates ${rel}`,
        { hint: `Move ${join(root, part)} out of the way, then generate again.` },
      );
    }
  }
  return 'file';
}

function readIfFile(root: string, rel: string): string | undefined {
  if (plainFileState(root, rel) === 'absent') return undefined;
  return readFileSync(resolveInside(root, rel), 'utf8');
}

/** Reads the lock of a working copy; undefined when there is none. A broken lock is an input error naming the file. */
export async function readLock(serviceDir: string): Promise<GenerationLock | undefined> {
  const file = join(serviceDir, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const hint =
    'qlf.lock.json records what the service was last generated from. If git left conflict markers in it, take one ' +
    'side whole (`git checkout --theirs qlf.lock.json`) and generate again; deleting it makes every file you edited a conflict.';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError('E_LOCK_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, { hint });
  }
  const parsed = generationLockSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw inputError(
      'E_LOCK_INVALID',
      `${file}: ${first?.path.join('.') || '(root)'} ${first?.message ?? 'is invalid'}`,
      {
        hint,
      },
    );
  }
  for (const path of Object.keys(parsed.data.files)) assertSafeRelativePath(path, file);
  return parsed.data;
}

/** A file of the merge base: its digest and mode always, its content when it could be recovered. */
interface BaseFile {
  sha256: string;
  mode: number;
  content?: string;
}

/**
 * The merge base described by `lock`: each file from the local cache when its digest matches, else from generating the
 * lock's IR again (once) when that gives the recorded digest; a file neither gives keeps only its digest.
 */
async function resolveBase(
  lock: GenerationLock,
  localBase: string,
  regenerate: MergeOptions['regenerate'],
): Promise<Map<string, BaseFile>> {
  const base = new Map<string, BaseFile>();
  let again: Map<string, string> | undefined;
  for (const [path, locked] of Object.entries(lock.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file: BaseFile = { ...locked };
    const cached = readFileIfAny(resolveInside(localBase, path));
    if (cached !== undefined && sha256(cached) === locked.sha256) file.content = cached;
    else {
      again ??= new Map((await regenerate(lock.ir)).files.map((f) => [f.path, f.content]));
      const derived = again.get(path);
      if (derived !== undefined && sha256(derived) === locked.sha256) file.content = derived;
    }
    base.set(path, file);
  }
  return base;
}

/** Removes `rel` and then every parent folder it leaves empty, stopping at `root`. */
async function removeFile(root: string, rel: string): Promise<void> {
  await rm(resolveInside(root, rel), { force: true });
  const segments = rel.split('/');
  for (let i = segments.length - 1; i > 0; i--) {
    try {
      await rmdir(resolveInside(root, segments.slice(0, i).join('/')));
    } catch {
      return; // not empty (or already gone): the folders above are not empty either
    }
  }
}

type Action = { kind: 'write'; content: string; mode: number } | { kind: 'remove' };

/** The lock recording `tree` (generated from `ir` by `generator`) as the working copy's next merge base. */
export function lockOf(
  tree: Pick<GeneratedTree, 'name' | 'files'>,
  ir: Record<string, unknown>,
  generator: GenerationLock['generator'],
): GenerationLock {
  const files: GenerationLock['files'] = {};
  for (const file of [...tree.files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    files[file.path] = { sha256: sha256(file.content), mode: file.mode ?? DEFAULT_MODE };
  }
  return { lockfileVersion: 1, name: tree.name, generator, files, ir };
}

/**
 * Merges `tree` into the working copy `serviceDir`. Nothing is written before every file is merged in memory; then
 * files are written one by one (each atomically), the local base replaced, and the lock written last, so a run that
 * stops part-way is finished by the next one. Refuses (writing nothing) while a file that needs a merge still holds
 * conflict markers. Conflicts are reported in the outcome, not thrown: see `assertNoConflicts`.
 */
export async function mergeIntoWorkingCopy(
  tree: GeneratedTree,
  serviceDir: string,
  options: MergeOptions,
): Promise<MergeOutcome> {
  const generated = new Map<string, { content: string; mode: number }>();
  for (const file of tree.files) {
    assertSafeRelativePath(file.path, `agent ${file.agent}`);
    if (file.path === LOCK_FILE) {
      throw workError('E_GENERATED_CLASH', `agent ${file.agent} generates ${LOCK_FILE}, which qlf itself writes`);
    }
    if (generated.has(file.path)) {
      throw workError('E_GENERATED_CLASH', `the generated tree holds ${JSON.stringify(file.path)} twice`);
    }
    generated.set(file.path, { content: file.content, mode: file.mode ?? DEFAULT_MODE });
  }
  // A missing working copy is a fresh start; one without a lock has no base (every differing file is a conflict).
  const fresh = lstatSync(serviceDir, { throwIfNoEntry: false }) === undefined;
  const lock = fresh ? undefined : await readLock(serviceDir);
  const base = lock ? await resolveBase(lock, options.localBase, options.regenerate) : new Map<string, BaseFile>();
  const report: MergeReport = {
    written: [],
    unchanged: [],
    merged: [],
    conflicts: [],
    keptDeleted: [],
    removed: [],
    kept: [],
  };
  const actions = new Map<string, Action>();
  /** Each working-copy file as the merge read it: a file saved since is not overwritten. */
  const seen = new Map<string, string | undefined>();
  const refused: string[] = [];
  const baseUnknown: string[] = [];

  for (const [path, next] of generated) {
    const was = base.get(path);
    const current = fresh ? undefined : readIfFile(serviceDir, path);
    seen.set(path, current);
    const nextDigest = sha256(next.content);
    if (current === undefined) {
      if (was === undefined) {
        actions.set(path, { kind: 'write', ...next });
        report.written.push(path);
      } else {
        report.keptDeleted.push(path); // the user deleted a generated file on purpose
      }
      continue;
    }
    const currentDigest = sha256(current);
    if (current === next.content) report.unchanged.push(path);
    else if (was && currentDigest === was.sha256) {
      actions.set(path, { kind: 'write', ...next });
      report.written.push(path);
    } else if (was && nextDigest === was.sha256) report.kept.push(path);
    else if (hasConflictMarkers(current)) refused.push(path);
    else {
      // Both changed, or no base to compare with (then the whole file counts as both sides' addition).
      if (was && was.content === undefined) baseUnknown.push(path);
      const merged = mergeFile(current, was?.content ?? '', next.content);
      actions.set(path, { kind: 'write', content: merged.content, mode: next.mode });
      (merged.conflict ? report.conflicts : report.merged).push(path);
    }
  }
  if (refused.length > 0) {
    throw workError(
      'E_UNRESOLVED_CONFLICT',
      `${refused.length} file(s) in ${serviceDir} still hold conflict markers from the last generation and need merging again: ${refused.sort().join(', ')}`,
      { hint: 'Resolve the <<<<<<< yours … >>>>>>> generated blocks (or delete the files), then generate again.' },
    );
  }
  for (const [path, was] of base) {
    if (generated.has(path)) continue;
    const current = readIfFile(serviceDir, path);
    seen.set(path, current);
    if (current === undefined) continue;
    if (sha256(current) === was.sha256) {
      actions.set(path, { kind: 'remove' });
      report.removed.push(path);
    } else {
      report.kept.push(path);
    }
  }
  for (const list of Object.values(report)) list.sort();

  // Each generated path as the merge leaves it: what it writes, else the file as read above.
  const finalContent = (path: string): string | undefined => {
    const action = actions.get(path);
    if (action) return action.kind === 'write' ? action.content : undefined;
    return seen.get(path);
  };
  const unresolved: MergeOutcome['unresolved'] = [];
  for (const path of generated.keys()) {
    const content = finalContent(path);
    if (content !== undefined && hasConflictMarkers(content)) unresolved.push({ path, hunks: conflictHunks(content) });
  }
  unresolved.sort((a, b) => (a.path < b.path ? -1 : 1));
  const outcome: MergeOutcome = { report, unresolved, baseUnknown: baseUnknown.sort(), wrote: false };
  const nextLock = lockOf(tree, options.ir, options.generator);
  if (options.schema) {
    const planned = await planRevision(serviceDir, tree.name, lock?.migrations, options.schema);
    nextLock.migrations = planned.state;
    if (planned.file) {
      const { path, content, message, warnings } = planned.file;
      if (generated.has(path) || (!fresh && readIfFile(serviceDir, path) !== undefined)) {
        throw workError('E_GENERATED_CLASH', `${join(serviceDir, path)} exists: qlf never writes over a revision`, {
          hint: 'Give your revision another file name, then generate again.',
        });
      }
      seen.set(path, undefined);
      actions.set(path, { kind: 'write', content, mode: DEFAULT_MODE });
      outcome.revision = { path, message, warnings };
    }
  }
  const lockText = canonicalJson(nextLock);
  const oldLockText = lock ? canonicalJson(lock) : undefined;
  if (options.dryRun) return outcome;
  if (actions.size === 0 && lockText === oldLockText && localBaseMatches(options.localBase, generated)) {
    return outcome; // nothing to change: leave every stat stamp as it is
  }

  await mkdir(serviceDir, { recursive: true });
  const ordered = [...actions].sort(([a], [b]) => (a < b ? -1 : 1));
  // Without a writer of the caller's, every new file is written and flushed first, all together; each is then renamed
  // into place right after checking the user has not saved it meanwhile.
  const staged = options.writeFile
    ? undefined
    : await stageFiles(
        ordered.flatMap(([path, action]) =>
          action.kind === 'write'
            ? [{ target: resolveInside(serviceDir, path), content: action.content, mode: action.mode }]
            : [],
        ),
      );
  try {
    for (const [path, action] of ordered) {
      const target = resolveInside(serviceDir, path);
      // Saved by the user while qlf merged: stop before writing over it (the lock is still the old one, so the next
      // run merges again, with the new save).
      if (readIfFile(serviceDir, path) !== seen.get(path)) {
        throw workError('E_SOURCE_CHANGED', `${target} changed while qlf was merging into it`, {
          hint: 'Run again: the merge starts over from the file as it is now.',
        });
      }
      if (action.kind === 'write') {
        if (staged) await staged.commit(target);
        else {
          await mkdir(dirname(target), { recursive: true });
          await (options.writeFile as FileWriter)(target, action.content, action.mode);
        }
        await chmod(target, action.mode);
      } else {
        await removeFile(serviceDir, path);
      }
      noteOwnWrite(target);
    }
  } finally {
    await staged?.discard();
  }
  await replaceDirAtomic(options.localBase, async (dir) => {
    const files = [...generated].map(([path, file]) => ({ file, target: resolveInside(dir, path) }));
    for (const folder of new Set(files.map(({ target }) => dirname(target)))) await mkdir(folder, { recursive: true });
    await Promise.all(files.map(({ file, target }) => writeFile(target, file.content, { mode: file.mode })));
  });
  if (lockText !== oldLockText) await writeFileAtomic(join(serviceDir, LOCK_FILE), lockText);
  outcome.wrote = true;
  return outcome;
}

/** Whether the local base already holds exactly `generated` (then it need not be written again). */
function localBaseMatches(localBase: string, generated: Map<string, { content: string; mode: number }>): boolean {
  for (const [path, file] of generated) {
    if (readFileIfAny(resolveInside(localBase, path)) !== file.content) return false;
  }
  return true;
}

/** `app/models.py:72 (lines 72-78)` for each conflict, a place an editor opens; paths under `shownDir` when given. */
export function describeConflicts(unresolved: MergeOutcome['unresolved'], shownDir = ''): string[] {
  const prefix = shownDir === '' ? '' : `${shownDir.split(sep).join('/')}/`;
  return unresolved.flatMap(({ path, hunks }) =>
    hunks.map((hunk) => `${prefix}${path}:${hunk.start} (lines ${hunk.start}-${hunk.end})`),
  );
}

/**
 * Fails (exit 1) when the working copy holds conflict markers after a merge, listing each file and hunk; `shownDir` is
 * the working copy as the user knows it (relative to the workspace).
 */
export function assertNoConflicts(outcome: MergeOutcome, shownDir: string): void {
  if (outcome.unresolved.length === 0) return;
  const fresh = outcome.report.conflicts.length > 0;
  const places = describeConflicts(outcome.unresolved, shownDir);
  throw workError(
    fresh ? 'E_MERGE_CONFLICT' : 'E_UNRESOLVED_CONFLICT',
    `${fresh ? 'the regenerated service conflicts with your edits' : 'the service still holds conflict markers'} (${places.length} conflict${places.length === 1 ? '' : 's'}):\n${places.map((line) => `  ${line}`).join('\n')}`,
    {
      hint: 'In each place keep what you want between <<<<<<< yours and >>>>>>> generated (||||||| base shows the last generated lines), delete the marker lines, then run again.',
    },
  );
}

/** One line per kind of change, for the task's log: `merged 2 (app/models.py, …)`. */
export function describeMerge(outcome: MergeOutcome): string[] {
  const { report } = outcome;
  const lines: string[] = [];
  const list = (label: string, paths: string[]) => {
    if (paths.length === 0) return;
    const shown = paths.slice(0, 5).join(', ');
    lines.push(`${label} ${paths.length} (${shown}${paths.length > 5 ? ', …' : ''})`);
  };
  list('working copy: merged your edits into', report.merged);
  list('working copy: kept your edits to', report.kept);
  list('working copy: kept deleted', report.keptDeleted);
  list('working copy: removed (no longer generated)', report.removed);
  list('working copy: conflicts in', report.conflicts);
  if (outcome.baseUnknown.length > 0) {
    list('working copy: merged without a base (this qlf generates the last base differently)', outcome.baseUnknown);
  }
  if (report.written.length > 0) lines.push(`working copy: wrote ${report.written.length} files`);
  if (outcome.revision) {
    lines.push(`migrations: wrote ${outcome.revision.path} (${outcome.revision.message})`);
    for (const warning of outcome.revision.warnings) {
      const review = warning.destructive ? 'DESTRUCTIVE, review before production: ' : '';
      lines.push(`warning: ${outcome.revision.path.split('/').at(-1)} ${review}${warning.message}`);
    }
  }
  return lines;
}
