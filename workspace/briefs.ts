// Finds the workspace's brief files (all of them, or those named on the command line) and reads a brief's text and its
// `name` and `uses`: the one finder and the one reader behind `qlf run`, `qlf compile`, `qlf watch` and `--affected`.
// Full validation of a brief is compile's job; this reads only what the task graph needs to order the briefs.
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import type { BriefYaml } from '../core/brief-yaml.js';
import { inputError } from '../core/errors.js';
import type { ResolvedConfig } from './config.js';

/** One brief found in the workspace. */
export interface BriefRef {
  /** The brief's `name` (also its output folder and Nx project name). */
  name: string;
  /** Absolute path of the brief file. */
  file: string;
  /** Names of the briefs this one `uses`, sorted, each once. */
  uses: string[];
}

/** A 1-based place in a brief. */
export interface BriefPlace {
  line: number;
  column: number;
}

/** What the task graph reads of a brief, without validating the rest: `name`, `uses` and explicit `overlays`. */
export interface BriefHead {
  /** `name`, when it is a non-empty string. */
  name?: string;
  /** `uses` entries that are strings, sorted, each once. */
  uses: string[];
  /** `overlays` entries that are strings, as written. */
  overlays: string[];
  /** Where `name`'s value is (when the key is there), and where each name in `uses` first appears. */
  at: { name?: BriefPlace; uses: Map<string, BriefPlace> };
}

export interface FindBriefsOptions {
  /** Brief files (taken as given) or folders (searched with the config's `briefs` globs), relative to `cwd`. */
  paths?: readonly string[];
  /** Folder `paths` are relative to. @default process.cwd() */
  cwd?: string;
  /** Globs left out besides `config.ignore`, relative to the workspace root. @default [] */
  ignore?: readonly string[];
}

const toPosix = (path: string) => path.split(sep).join('/');

/** `file` relative to `from`, with `/`, for messages. */
export function shownPath(from: string, file: string): string {
  return toPosix(relative(from, file)) || file;
}

/** Whether `file` (absolute) is a brief by the config: matched by `briefs` and not by `ignore`. */
export function isBriefFile(config: Pick<ResolvedConfig, 'root' | 'briefs' | 'ignore'>, file: string): boolean {
  const rel = toPosix(relative(config.root, file));
  return picomatch.isMatch(rel, config.briefs) && !picomatch.isMatch(rel, config.ignore);
}

/** Every brief the config's globs match under the workspace root, absolute and sorted. */
async function workspaceBriefFiles(config: ResolvedConfig, ignore: readonly string[] = []): Promise<string[]> {
  const files = await glob(config.briefs, {
    cwd: config.root,
    ignore: [...config.ignore, ...ignore],
    absolute: true,
    onlyFiles: true,
  });
  return files.map((file) => resolve(file)).sort();
}

/**
 * Brief files, absolute, sorted and each once. Without `paths`, every brief of the workspace. With `paths`: a file is
 * taken as given; a folder inside the workspace yields the workspace's briefs under it, a folder outside it the files
 * the `briefs` globs match from there. A path that does not exist is E_BRIEF_NOT_FOUND, paths with no brief E_NO_BRIEFS.
 */
export async function findBriefFiles(config: ResolvedConfig, options: FindBriefsOptions = {}): Promise<string[]> {
  const paths = options.paths ?? [];
  if (paths.length === 0) return workspaceBriefFiles(config, options.ignore);
  const cwd = options.cwd ?? process.cwd();
  const targets = await Promise.all(
    paths.map(async (path) => {
      const absolute = resolve(cwd, path);
      const info = await stat(absolute).catch(() => undefined);
      if (!info) {
        throw inputError('E_BRIEF_NOT_FOUND', `no such brief file or folder: ${path}`, {
          hint: 'Pass a brief file (brief.qlf.yaml) or a folder that contains briefs.',
        });
      }
      return { absolute, dir: info.isDirectory() };
    }),
  );
  const found = new Set<string>();
  let workspace: Promise<string[]> | undefined;
  for (const { absolute, dir } of targets) {
    if (!dir) {
      found.add(absolute);
    } else if (absolute === config.root || absolute.startsWith(`${config.root}${sep}`)) {
      workspace ??= workspaceBriefFiles(config, options.ignore);
      const under = absolute === config.root ? '' : `${absolute}${sep}`;
      for (const file of await workspace) if (file.startsWith(under)) found.add(file);
    } else {
      const matches = await glob(config.briefs, {
        cwd: absolute,
        ignore: config.ignore,
        absolute: true,
        onlyFiles: true,
      });
      for (const match of matches) found.add(resolve(match));
    }
  }
  if (found.size === 0) {
    throw inputError(
      'E_NO_BRIEFS',
      `no briefs found under ${paths.map((p) => toPosix(relative(cwd, resolve(cwd, p))) || '.').join(', ')}`,
      {
        hint: `Briefs are found by the config's \`briefs\` globs (${config.briefs.join(', ')}); create one named brief.qlf.yaml.`,
      },
    );
  }
  return [...found].sort();
}

/** Two briefs with one name is an input error naming both files (relative to `from`). */
export function assertUniqueNames(briefs: readonly { name: string; file: string }[], from: string): void {
  const byName = new Map<string, string>();
  for (const { name, file } of briefs) {
    const other = byName.get(name);
    if (other !== undefined) {
      throw inputError(
        'E_BRIEF_DUPLICATE',
        `two briefs are named "${name}": ${shownPath(from, other)} and ${shownPath(from, file)}`,
        { hint: 'Brief names are output folders and project names; rename one of them.' },
      );
    }
    byName.set(name, file);
  }
}

/**
 * A brief file's text, refusing a missing, oversized or binary file before anything parses it (`shown` names it in
 * messages).
 */
export async function readBriefText(path: string, shown = path): Promise<{ text: string; file: string }> {
  // Loaded on first use: a warm run takes every brief's name and uses from the engine's index and reads none.
  const { briefNotText, briefTooLarge, MAX_BRIEF_BYTES } = await import('../core/brief-yaml.js');
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw inputError('E_BRIEF_NOT_FOUND', `cannot read brief ${shown}`, {
      hint: 'Check the path; briefs are named `brief.qlf.yaml`.',
    });
  }
  if (size > MAX_BRIEF_BYTES) throw briefTooLarge(size, shown);
  const bytes = await readFile(path);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), file: shown };
  } catch {
    // Point at the first byte that does not decode, in the text as a lenient decoder sees it.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    throw briefNotText(shown, 'it is not valid UTF-8', Math.max(0, lenient.indexOf('\uFFFD')), lenient);
  }
}

/** `name`, `uses` and `overlays` of a parsed brief, with their places; never throws (a missing name is left out). */
export function briefHeadOf(parsed: BriefYaml): BriefHead {
  const data = parsed.data as Record<string, unknown> | null;
  const record = data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {};
  const place = (path: (string | number)[]): BriefPlace | undefined => {
    const node = parsed.document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (!node?.range) return undefined;
    const { line, col } = parsed.position(node.range[0]);
    return { line, column: col };
  };
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const uses = new Map<string, BriefPlace>();
  if (Array.isArray(record.uses)) {
    record.uses.forEach((used, index) => {
      if (typeof used !== 'string' || uses.has(used)) return;
      const at = place(['uses', index]);
      if (at) uses.set(used, at);
    });
  }
  const name = typeof record.name === 'string' && record.name !== '' ? record.name : undefined;
  return {
    ...(name === undefined ? {} : { name }),
    uses: [...new Set(strings(record.uses))].sort(),
    overlays: strings(record.overlays),
    at: { ...('name' in record ? { name: place(['name']) } : {}), uses },
  };
}

/** Reads `name` and `uses` of a brief file; a brief without a name is E_BRIEF_NAME at its place. */
export async function readBriefRef(file: string, root: string): Promise<BriefRef> {
  const shown = shownPath(root, file);
  const { text } = await readBriefText(file, shown);
  // The same YAML reader as compile's, so a brief too deep, too large or not plain data is refused here with
  // compile's message.
  const { parseBriefYaml } = await import('../core/brief-yaml.js');
  const parsed = parseBriefYaml(text, shown);
  const head = briefHeadOf(parsed);
  if (head.name === undefined) {
    const value = (parsed.data as Record<string, unknown> | null)?.name;
    const message =
      value === undefined
        ? 'the brief has no `name`'
        : `\`name\` is ${value === null || value === '' ? 'empty' : `a ${Array.isArray(value) ? 'list' : typeof value}, not a text`}`;
    const at = head.at.name;
    throw inputError('E_BRIEF_NAME', `${shown}: ${message}`, {
      issues: [
        {
          code: 'E_BRIEF_NAME',
          message,
          file: shown,
          line: at?.line ?? 1,
          column: at?.column ?? 1,
          hint: 'Add `name: my-service` (a DNS-1123 label) at the top of the brief.',
        },
      ],
    });
  }
  return { name: head.name, file, uses: head.uses };
}
