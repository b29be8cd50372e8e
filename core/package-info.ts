// Where the qlf package lives on disk and which version it is; works from sources (tests) and from dist/ alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The folder holding qlf's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'qlf') {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('qlf: cannot find the package root (package.json named "qlf")');
    dir = parent;
  }
}

let cachedVersion: string | undefined;

/** qlf's version from package.json; part of every task hash. */
export function qlfVersion(): string {
  cachedVersion ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
  return cachedVersion;
}

/** Absolute path of a file shipped with the package (templates, built-in overlays, JSON schemas). */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
