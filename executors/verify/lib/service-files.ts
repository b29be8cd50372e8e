// Lists a generated service's files (POSIX paths relative to its root), leaving out caches and environments.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';

const IGNORED = [
  '**/__pycache__/**',
  '**/.venv/**',
  '**/venv/**',
  '**/node_modules/**',
  '**/.git/**',
  '**/.pytest_cache/**',
];

export async function listServiceFiles(serviceDir: string, pattern = '**/*'): Promise<string[]> {
  const files = await glob(pattern, { cwd: serviceDir, ignore: IGNORED, dot: true, onlyFiles: true });
  return files.sort();
}

/** The file's text, or undefined when it looks binary (a NUL byte) or is larger than `maxBytes`. */
export async function readText(
  serviceDir: string,
  file: string,
  maxBytes = 2 * 1024 * 1024,
): Promise<string | undefined> {
  const buffer = await readFile(join(serviceDir, file));
  if (buffer.length > maxBytes || buffer.includes(0)) return undefined;
  return buffer.toString('utf8');
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) if (text.charCodeAt(index) === 10) line++;
  return line;
}

/** Runs `scan` over every text file of the service; returns what it found and how many files it read. */
export async function scanTextFiles<T>(
  serviceDir: string,
  scan: (file: string, text: string) => T[],
): Promise<{ findings: T[]; scanned: number }> {
  const findings: T[] = [];
  let scanned = 0;
  for (const file of await listServiceFiles(serviceDir)) {
    const text = await readText(serviceDir, file);
    if (text === undefined) continue;
    scanned++;
    findings.push(...scan(file, text));
  }
  return { findings, scanned };
}
