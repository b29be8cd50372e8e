// The engine's brief discovery: the workspace's brief finder and reader (`workspace/briefs.ts`), with an index that
// spares a run re-reading briefs whose stat stamp did not change.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { stampOf } from '../cache/file-stamp.js';
import { writeFileReplacing } from '../cache/write-replacing.js';
import { assertUniqueNames, type BriefRef, findBriefFiles, readBriefRef } from '../workspace/briefs.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { serviceDirOf } from '../workspace/working-copy.js';

/** The order `localeCompare` gives, from one collator instead of one per comparison. */
const byLocale = new Intl.Collator();

const toPosix = (path: string) => path.split(sep).join('/');

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
 * relative to `cwd`), only the briefs `findBriefFiles` finds there. Two briefs with one name is an input error naming
 * both. With `index`, `name` and `uses` of unchanged briefs come from `.qlf/brief-index.json` (kept up to date) instead
 * of parsing them: for runs over every brief; a narrowed discovery leaves the index alone.
 */
export async function discoverBriefs(
  config: ResolvedConfig,
  options: { paths?: string[]; cwd?: string; index?: boolean } = {},
): Promise<BriefRef[]> {
  const index = options.index && !options.paths?.length ? new BriefIndex(config.root) : undefined;
  const files = await findBriefFiles(config, {
    paths: options.paths,
    cwd: options.cwd,
    ignore: index ? workingCopyGlobs(config, index.files()) : [],
  });
  const refs = await Promise.all(
    files.map((file) => (index ? index.read(file, config.root) : readBriefRef(file, config.root))),
  );
  await index?.save();
  assertUniqueNames(refs, config.root);
  return refs.sort((x, y) => byLocale.compare(x.name, y.name));
}
