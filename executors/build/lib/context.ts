// The build context: the service files the .dockerignore lets through, plus the Dockerfile, as a reproducible tarball
// (sorted entries, fixed mtimes and owners) whose sha256 is the image tag.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { sha256 } from '../../../core/hash.js';
import { createTar } from '../../../core/tar.js';

export interface BuildContext {
  tar: Uint8Array;
  digest: string;
  files: string[];
}

/** A .dockerignore matcher: later rules win, `!` re-includes, a rule also matches everything below a folder. */
export function dockerignoreMatcher(dockerignore: string): (path: string) => boolean {
  const rules = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const match = picomatch([pattern, `${pattern}/**`], { dot: true });
      return { negate, match };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.match(path)) ignored = !rule.negate;
    return ignored;
  };
}

async function listFiles(root: string, dir = root): Promise<{ path: string; mode: number }[]> {
  const out: { path: string; mode: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, full)));
    // Symlinks are left out: a context must not reach outside the service folder.
    else if (entry.isFile())
      out.push({ path: relative(root, full).split(sep).join('/'), mode: (await stat(full)).mode });
  }
  return out;
}

export async function buildContext(serviceDir: string, extra: Record<string, string>): Promise<BuildContext> {
  const ignored = dockerignoreMatcher(extra['.dockerignore'] ?? '');
  const entries = new Map<string, { content: Uint8Array; mode: number }>();
  for (const file of await listFiles(serviceDir)) {
    if (ignored(file.path)) continue;
    entries.set(file.path, { content: await readFile(join(serviceDir, file.path)), mode: file.mode });
  }
  // The Dockerfile and .dockerignore always travel, even when the ignore file names them (Docker does the same).
  for (const [path, content] of Object.entries(extra))
    entries.set(path, { content: Buffer.from(content), mode: 0o644 });
  const files = [...entries.keys()].sort();
  const tar = createTar(files.map((path) => ({ path, ...entries.get(path)! })));
  return { tar, digest: sha256(tar), files };
}
