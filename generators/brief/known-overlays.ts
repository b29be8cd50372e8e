// The overlays a new brief may name: qlf's built-in catalogue and the workspace's `overlays.dirs` (read from the
// generator's Tree, so an overlay written in the same run counts), by the name each file declares.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { builtinOverlayDir } from '../../overlays/lib/builtin-overlay-dir.js';
import { parseOverlay } from '../../overlays/lib/parse-overlay.js';

const isOverlayFile = (name: string) => ['.yaml', '.yml'].includes(extname(name));

function nameOf(file: string, bytes: Uint8Array | null, builtin: boolean): string | undefined {
  return bytes ? parseOverlay(file, bytes, builtin).loaded?.overlay.name : undefined;
}

/** Built-in and workspace overlay names, each list sorted. */
export function knownOverlays(tree: Tree, dirs: readonly string[]): { builtin: string[]; workspace: string[] } {
  const catalog = builtinOverlayDir();
  const builtin = readdirSync(catalog)
    .filter(isOverlayFile)
    .map((name) => nameOf(join(catalog, name), readFileSync(join(catalog, name)), true));
  const workspace = dirs.flatMap((dir) =>
    tree
      .children(dir)
      .filter(isOverlayFile)
      .map((name) => nameOf(posix.join(dir, name), tree.read(posix.join(dir, name)), false)),
  );
  const names = (list: (string | undefined)[]) => [...new Set(list.filter((n): n is string => !!n))].sort();
  return { builtin: names(builtin), workspace: names(workspace) };
}
