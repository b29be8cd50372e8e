// The briefs a workspace already has, by name, so a new brief can take neither a name nor a `uses` wrongly: every
// `brief.qlf.yaml` that git and the config's `ignore` globs do not exclude, named as the plugin names it.
import { posix } from 'node:path';
import { type Tree, visitNotIgnoredFiles } from '@nx/devkit';
import picomatch from 'picomatch';
import { parseBriefHead } from '../../nx/brief-head.js';

/** Brief name → its file (the first by path when two share a name). */
export function workspaceBriefs(tree: Tree, ignore: readonly string[]): Map<string, string> {
  const ignored = picomatch([...ignore]);
  const files: string[] = [];
  visitNotIgnoredFiles(tree, '', (path) => {
    if (posix.basename(path) === 'brief.qlf.yaml' && !ignored(path)) files.push(path);
  });
  const briefs = new Map<string, string>();
  for (const file of files.sort()) {
    const { name } = parseBriefHead(tree.read(file, 'utf8') ?? '', file);
    if (!briefs.has(name)) briefs.set(name, file);
  }
  return briefs;
}
