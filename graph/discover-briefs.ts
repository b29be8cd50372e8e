// Finds the workspace's briefs with the config globs and reads each one's `name` and `uses` (cheaply: YAML only, no
// schema validation, which is compile's job).
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { parseDocument } from 'yaml';
import type { ResolvedConfig } from '../core/config.js';
import { inputError } from '../core/errors.js';
import type { BriefRef } from './stage-task.js';

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Reads `name` and `uses` from a brief file; a brief without a name is an input error with its place. */
export async function readBriefRef(file: string, root: string): Promise<BriefRef> {
  const text = await readFile(file, 'utf8');
  const doc = parseDocument(text);
  const shown = toPosix(relative(root, file)) || file;
  if (doc.errors.length > 0) {
    const [first] = doc.errors;
    throw inputError('E_BRIEF_YAML', `${shown}: ${first?.message ?? 'invalid YAML'}`, {
      issues: doc.errors.map((error) => ({
        code: 'E_BRIEF_YAML',
        message: error.message,
        file: shown,
        line: error.linePos?.[0]?.line,
        column: error.linePos?.[0]?.col,
        hint: 'Fix the YAML syntax.',
      })),
    });
  }
  const data = doc.toJS() as { name?: unknown; uses?: unknown } | null;
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

/**
 * Every brief matched by `config.briefs` (minus `config.ignore`), sorted by name. With `paths` (files or folders,
 * relative to `cwd`), only briefs at or under one of them. Two briefs with one name is an input error naming both.
 */
export async function discoverBriefs(
  config: ResolvedConfig,
  options: { paths?: string[]; cwd?: string } = {},
): Promise<BriefRef[]> {
  const files = await glob(config.briefs, {
    cwd: config.root,
    ignore: config.ignore,
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
  const refs = await Promise.all(selected.map((file) => readBriefRef(file, config.root)));
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
  return [...byName.values()].sort((x, y) => x.name.localeCompare(y.name));
}
