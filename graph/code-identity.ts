// Which qlf made a task's outputs, as a task hash part. An installed qlf is its version. A source checkout (a `.git`
// beside package.json) changes without version bumps, so there it is the version plus a digest of the built code and
// the templates: after a rebuild that changed a generator, no output of the old generator is served from the cache.
// The digest is remembered with the files' stat stamps, so a run with unchanged code stats them and reads none.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { stampOf } from '../cache/file-stamp.js';
import { sha256 } from '../core/hash.js';
import { packageRoot, qlfVersion } from '../core/package-info.js';

/** Folders (relative to the package root) whose files make outputs, and which of their files count. */
const CODE: { dir: string; keep: (path: string) => boolean }[] = [
  { dir: 'dist', keep: (path) => path.endsWith('.js') },
  { dir: 'executors', keep: (path) => path.split('/').includes('templates') },
];

interface Remembered {
  stamps: Record<string, string>;
  digest: string;
}

function codeFiles(root: string): string[] {
  const files: string[] = [];
  for (const { dir, keep } of CODE) {
    if (!existsSync(join(root, dir))) continue; // e.g. no dist/ yet: running from the sources
    const entries = readdirSync(join(root, dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const entry of entries) {
      const rel = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (keep(rel)) files.push(rel);
    }
  }
  return files.sort();
}

/** sha256 over the code files' paths and bytes; reads only when a stamp differs from the remembered ones. */
export function codeDigest(root: string, memoFile: string): string {
  const files = codeFiles(root);
  const stamps = Object.fromEntries(files.map((rel) => [rel, stampOf(join(root, rel))]));
  let remembered: Remembered | undefined;
  try {
    remembered = JSON.parse(readFileSync(memoFile, 'utf8')) as Remembered;
  } catch {
    // none yet, or unreadable: compute it
  }
  const same =
    remembered &&
    typeof remembered.digest === 'string' &&
    Object.keys(remembered.stamps ?? {}).length === files.length &&
    files.every((rel) => remembered.stamps[rel] === stamps[rel]);
  if (same && remembered) return remembered.digest;
  let text = '';
  for (const rel of files) text += `${rel}\0${sha256(readFileSync(join(root, rel)))}\0`;
  const digest = sha256(text);
  try {
    mkdirSync(dirname(memoFile), { recursive: true });
    const temp = `${memoFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ stamps, digest }));
    renameSync(temp, memoFile);
  } catch {
    // best effort: without the memo the next run reads the files again
  }
  return digest;
}

let cached: string | undefined;

/** `<version>` when installed; `<version>+src.<digest>` in a source checkout. Computed once per process. */
export function qlfCodeIdentity(): string {
  if (cached) return cached;
  const root = packageRoot();
  cached = existsSync(join(root, '.git'))
    ? `${qlfVersion()}+src.${codeDigest(root, join(root, 'node_modules', '.cache', 'qlf', 'code-digest.json')).slice(0, 16)}`
    : qlfVersion();
  return cached;
}
