// Finds the workspace's briefs with the config globs and reads each one's `name` and `uses` (cheaply: YAML only, no
// schema validation, which is compile's job; and with `index`, only for briefs whose stat stamp changed).
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { stampOf } from '../cache/file-stamp.js';
import { writeFileReplacing } from '../cache/write-replacing.js';
import { inputError } from '../core/errors.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { serviceDirOf } from '../workspace/working-copy.js';
import type { BriefRef } from './stage-task.js';

/** The order `localeCompare` gives, from one collator instead of one per comparison. */
const byLocale = new Intl.Collator();

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Reads `name` and `uses` from a brief file; a brief without a name is an input error with its place. */
export async function readBriefRef(file: string, root: string): Promise<BriefRef> {
  const text = await readFile(file, 'utf8');
  const shown = toPosix(relative(root, file)) || file;
  // Loaded on first use: a warm run takes every brief's name and uses from the index and never parses one. The same
  // reader as compile's, so a brief too deep, too large or not plain data is refused here with compile's message.
  const { parseBriefYaml } = await import('../core/brief-yaml.js');
  const data = parseBriefYaml(text, shown).data as { name?: unknown; uses?: unknown } | null;
  if (!data || typeof data.name !== 'string' || data.name === '') {
    throw inputError('E_BRIEF_NAME', `${shown} has no \`name\``, {
      issues: [
        {
          code: 'E_BRIEF_NAME',
          message: 'the brief has no `name`',
          file: shown,
          line: 1,
          hint: 'Add `name: my-service` (a DNS-1123 label) at the top of the brief.',
        },
      ],
    });
  }
  const uses = Array.isArray(data.uses) ? data.uses.filter((u): u is string => typeof u === 'string') : [];
  return { name: data.name, file, uses: [...new Set(uses)].sort() };
}

interface IndexedBrief {
  stamp: string;
  name: string;
  uses: string[];
}

/**
 * `name` and `uses` of briefs as last read, by file, with the file's stat stamp then (`.qlf/brief-index.json`): a
 * brief whose stamp is unchanged is not read and parsed again. A warm run over hundreds of briefs parses none.
 */
class BriefIndex {
  private readonly file: string;
  private readonly known = new Map<string, IndexedBrief>();
  private readonly seen = new Map<string, IndexedBrief>();
  private changed = false;

  constructor(root: string) {
    this.file = join(root, '.qlf', 'brief-index.json');
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, IndexedBrief>;
      for (const [file, entry] of Object.entries(data)) {
        const valid =
          typeof entry?.stamp === 'string' &&
          typeof entry.name === 'string' &&
          Array.isArray(entry.uses) &&
          entry.uses.every((u) => typeof u === 'string');
        if (valid) this.known.set(file, entry);
      }
    } catch {
      // none yet, or unreadable: every brief is read
    }
  }

  async read(file: string, root: string): Promise<BriefRef> {
    // Stamped before reading: an edit made meanwhile leaves a stale stamp, which only means reading it again later.
    const stamp = stampOf(file);
    const known = this.known.get(file);
    if (known && known.stamp === stamp) {
      this.seen.set(file, known);
      return { name: known.name, file, uses: [...known.uses] };
    }
    const ref = await readBriefRef(file, root);
    this.seen.set(file, { stamp, name: ref.name, uses: ref.uses });
    this.changed = true;
    return ref;
  }

  /** The brief files found last time. */
  files(): string[] {
    return [...this.known.keys()];
  }

  /** Writes the index when a brief was read, added or removed; best effort (without it briefs are just read). */
  async save(): Promise<void> {
    if (!this.changed && this.seen.size === this.known.size) return;
    const data = Object.fromEntries([...this.seen].sort(([a], [b]) => (a < b ? -1 : 1)));
    await writeFileReplacing(this.file, `${JSON.stringify(data)}\n`).catch(() => undefined);
  }
}

/**
 * One glob matching the working copies of `briefs` (files found last time): a working copy holds no brief, and walking
 * its files (hundreds of folders in a large workspace) would cost a warm run more than everything else it does. A path
 * with glob syntax in it is left out (merely walked).
 */
function workingCopyGlobs(config: ResolvedConfig, briefs: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const file of briefs) {
    try {
      const dir = toPosix(relative(config.root, serviceDirOf(config, file)));
      if (!/[*?{}[\]()!,\\]/.test(dir)) dirs.push(dir);
    } catch {
      // a bad generate.serviceDir is reported by the stage that writes the working copy
    }
  }
  if (dirs.length === 0) return [];
  return [dirs.length === 1 ? `${dirs[0]}/**` : `{${dirs.sort().join(',')}}/**`];
}

/**
 * Every brief matched by `config.briefs` (minus `config.ignore`), sorted by name. With `paths` (files or folders,
 * relative to `cwd`), only briefs at or under one of them. Two briefs with one name is an input error naming both.
 * With `index`, `name` and `uses` of unchanged briefs come from `.qlf/brief-index.json` (kept up to date) instead of
 * parsing them: for runs over every brief; a narrowed discovery leaves the index alone.
 */
export async function discoverBriefs(
  config: ResolvedConfig,
  options: { paths?: string[]; cwd?: string; index?: boolean } = {},
): Promise<BriefRef[]> {
  const index = options.index && !options.paths?.length ? new BriefIndex(config.root) : undefined;
  const files = await glob(config.briefs, {
    cwd: config.root,
    ignore: [...config.ignore, ...(index ? workingCopyGlobs(config, index.files()) : [])],
    absolute: true,
    onlyFiles: true,
  });
  let selected = files.map((file) => resolve(file)).sort();
  if (options.paths && options.paths.length > 0) {
    const cwd = options.cwd ?? process.cwd();
    const wanted = await Promise.all(
      options.paths.map(async (path) => {
        const absolute = resolve(cwd, path);
        const info = await stat(absolute).catch(() => undefined);
        if (!info) {
          throw inputError('E_PATH_NOT_FOUND', `no such file or folder: ${path}`, {
            hint: 'Pass brief files or folders that contain briefs.',
          });
        }
        return { absolute, dir: info.isDirectory() };
      }),
    );
    selected = selected.filter((file) =>
      wanted.some(({ absolute, dir }) => (dir ? file.startsWith(`${absolute}${sep}`) : file === absolute)),
    );
  }
  const refs = await Promise.all(
    selected.map((file) => (index ? index.read(file, config.root) : readBriefRef(file, config.root))),
  );
  await index?.save();
  const byName = new Map<string, BriefRef>();
  for (const ref of refs) {
    const other = byName.get(ref.name);
    if (other) {
      const a = toPosix(relative(config.root, other.file));
      const b = toPosix(relative(config.root, ref.file));
      throw inputError('E_BRIEF_DUPLICATE', `two briefs are named "${ref.name}": ${a} and ${b}`, {
        hint: 'Brief names are output folders and project names; rename one of them.',
      });
    }
    byName.set(ref.name, ref);
  }
  return [...byName.values()].sort((x, y) => byLocale.compare(x.name, y.name));
}
