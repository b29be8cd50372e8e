// Prints which qlf a workspace runs, for the plugin's `runtime` hash input: qlf's version (plus a digest of its built
// code in a source checkout) and its own lockfile entry, never its dependencies', so no transitive bump invalidates
// every task. Run by Nx from the workspace root: `node node_modules/qlf/dist/nx/qlf-identity.js`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { qlfCodeIdentity } from '../graph/code-identity.js';

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

/** npm's `packages["node_modules/qlf"]`: its integrity, else where it was resolved from. */
function npmEntry(text: string): string | undefined {
  const entry = (JSON.parse(text) as { packages?: Record<string, { integrity?: string; resolved?: string }> })
    .packages?.['node_modules/qlf'];
  return entry?.integrity ?? entry?.resolved;
}

/** The lines of the first block whose key names qlf (`qlf@…:` in pnpm and yarn lockfiles). */
function yamlishEntry(text: string, indent: string): string | undefined {
  const start = new RegExp(`^${indent}['"]?qlf@[^\\n]*:\\n((?:${indent} +[^\\n]*\\n?)*)`, 'm').exec(text);
  const lines = start?.[1]?.split('\n') ?? [];
  const wanted = lines.find((line) => /^\s*(resolution|integrity|checksum|resolved)\b/.test(line));
  return wanted?.trim();
}

/** The lockfile entry of `qlf` in the workspace at `root`, in the first lockfile found. */
export function qlfLockEntry(root: string): string | undefined {
  const readers: [string, (text: string) => string | undefined][] = [
    ['package-lock.json', npmEntry],
    ['npm-shrinkwrap.json', npmEntry],
    ['node_modules/.package-lock.json', npmEntry],
    ['pnpm-lock.yaml', (text) => yamlishEntry(text, '  ')],
    ['yarn.lock', (text) => yamlishEntry(text, '')],
    ['bun.lock', (text) => /^\s*"qlf": \[([^\n]*)\]/m.exec(text)?.[1]],
  ];
  for (const [file, entryOf] of readers) {
    const text = read(join(root, file));
    if (text === undefined) continue;
    try {
      const entry = entryOf(text);
      if (entry) return entry;
    } catch {
      // a lockfile being rewritten: the next one, or none
    }
  }
  return undefined;
}

/** One line: `qlf <version> <lockfile entry>`. */
export function qlfIdentity(root: string): string {
  return `qlf ${qlfCodeIdentity()} ${qlfLockEntry(root) ?? 'unlocked'}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${qlfIdentity(process.cwd())}\n`);
}
