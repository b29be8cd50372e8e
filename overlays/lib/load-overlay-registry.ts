// Loads the built-in overlay catalogue and the workspace's overlay folders into one registry. A workspace overlay
// with a built-in's name replaces it (and says so); every malformed file is reported at once.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { inputError, type QlfIssue } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { builtinOverlayDir } from './builtin-overlay-dir.js';
import { parseOverlay } from './parse-overlay.js';
import type { LoadedOverlay, OverlayRegistry } from './types.js';

export { builtinOverlayDir };

const OVERLAY_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Parsed overlays by file and content digest: a long-lived process (watch mode, Nx daemon) parses each once. */
const parsed = new Map<string, ReturnType<typeof parseOverlay>>();

function parseCached(file: string, bytes: Uint8Array, builtin: boolean): ReturnType<typeof parseOverlay> {
  const key = `${builtin}\u0000${file}\u0000${sha256(bytes)}`;
  let result = parsed.get(key);
  if (!result) {
    result = parseOverlay(file, bytes, builtin);
    if (parsed.size > 1000) parsed.clear();
    parsed.set(key, result);
  }
  return result;
}

async function overlayFiles(dir: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && OVERLAY_EXTENSIONS.has(extname(entry.name)))
      .map((entry) => join(dir, entry.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return undefined;
    }
    throw error;
  }
}

class MapRegistry implements OverlayRegistry {
  private readonly byName: Map<string, LoadedOverlay>;
  constructor(overlays: Map<string, LoadedOverlay>) {
    this.byName = new Map([...overlays].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  get(name: string): LoadedOverlay | undefined {
    return this.byName.get(name);
  }
  list(): LoadedOverlay[] {
    return [...this.byName.values()];
  }
}

/** Built-in overlays plus those in `dirs` (absolute, e.g. config `overlays.dirs`). */
export async function loadOverlayRegistry(dirs: string[]): Promise<OverlayRegistry> {
  const issues: QlfIssue[] = [];
  const overlays = new Map<string, LoadedOverlay>();
  const workspaceFiles = new Map<string, string>();
  const sources = [
    { dir: builtinOverlayDir(), builtin: true },
    ...dirs.map((dir) => ({ dir: resolve(dir), builtin: false })),
  ];
  for (const { dir, builtin } of sources) {
    const files = await overlayFiles(dir);
    if (files === undefined) {
      issues.push({
        code: 'E_OVERLAY_DIR',
        message: `overlay folder ${dir} does not exist`,
        file: dir,
        hint: builtin
          ? 'Reinstall qlf: its built-in overlay catalogue is missing.'
          : 'Create the folder or remove it from `overlays.dirs` in qlf.config.ts.',
        severity: 'error',
      });
      continue;
    }
    for (const file of files) {
      const { loaded, issues: fileIssues } = parseCached(file, await readFile(file), builtin);
      issues.push(...fileIssues);
      if (!loaded) continue;
      const name = loaded.overlay.name;
      const earlier = overlays.get(name);
      if (!builtin && workspaceFiles.has(name)) {
        issues.push({
          code: 'E_OVERLAY_DUPLICATE',
          message: `overlay \`${name}\` is defined twice: in ${workspaceFiles.get(name)} and in ${file}`,
          file,
          hint: 'Keep one of the two files, or give one of them another name.',
          severity: 'error',
        });
        continue;
      }
      if (!builtin) workspaceFiles.set(name, file);
      overlays.set(name, earlier?.builtin ? { ...loaded, overrides: earlier.file } : loaded);
    }
  }
  if (issues.length > 0) {
    const count = issues.length === 1 ? 'a problem' : `${issues.length} problems`;
    throw inputError(issues[0]?.code ?? 'E_OVERLAY_SCHEMA', `${count} in overlay files`, { issues });
  }
  return new MapRegistry(overlays);
}
