// What `qlf:init` keeps out of git: qlf's cache, the artifacts folder, and signing keys (a `git add -A` must never
// stage a private key). An entry is added only when no existing pattern already ignores it.
import type { Tree } from '@nx/devkit';
import ignore from 'ignore';

/** An entry to add, with a path it must ignore (to tell whether an existing pattern already does). */
interface Entry {
  pattern: string;
  sample: string;
}

/** A folder inside the workspace as an anchored pattern, or nothing for one outside it. */
function folderEntry(path: string): Entry[] {
  const clean = path.replace(/^\.\//, '').replace(/\/$/, '');
  if (clean === '' || clean.startsWith('/') || clean.split('/').includes('..')) return [];
  return [{ pattern: `/${clean}/`, sample: `${clean}/x` }];
}

/** `.gitignore` entries for a workspace whose config has these folders (relative, POSIX). */
export function qlfIgnoreEntries(config: { outDir: string; cacheDir: string }): Entry[] {
  return [
    // Scratch folders and, by default, the task cache.
    { pattern: '.qlf/', sample: '.qlf/x' },
    ...folderEntry(config.cacheDir),
    ...folderEntry(config.outDir),
    // `qlf keys generate --out .keys`, as the README does, and the private key's name wherever it was written.
    { pattern: '.keys/', sample: '.keys/qlf-signing.key' },
    { pattern: 'qlf-signing.key', sample: 'keys/qlf-signing.key' },
  ];
}

/** Appends the entries `.gitignore` lacks (creating it if needed); returns the patterns added. */
export function addGitignoreEntries(tree: Tree, entries: Entry[]): string[] {
  const text = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf8') ?? '') : '';
  const ignored = ignore().add(text);
  const missing: Entry[] = [];
  for (const entry of entries) {
    if (ignored.ignores(entry.sample.replace(/^\.\//, ''))) continue;
    missing.push(entry);
    ignored.add(entry.pattern);
  }
  if (missing.length === 0) return [];
  const block = ['# qlf: task cache, artifacts and signing keys', ...missing.map((entry) => entry.pattern)].join('\n');
  tree.write(
    '.gitignore',
    `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${text === '' ? '' : '\n'}${block}\n`,
  );
  return missing.map((entry) => entry.pattern);
}
