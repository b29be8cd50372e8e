// What never ships from a service's working copy, wherever it is: caches, virtualenvs, VCS metadata, local secrets and
// qlf's own lock file. Light on purpose (no ignore-file parser): warm runs and the watcher load it.
/** Folder names that never ship, wherever they are. */
export const NEVER_SHIPPED_DIRS: ReadonlySet<string> = new Set([
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.hypothesis',
  '.tox',
  '.nox',
  '.venv',
  'venv',
  'node_modules',
  '.git',
  '.qlf',
  '.nx',
  'htmlcov',
]);

/** The lock file qlf writes at the root of a working copy (schemas/generation-lock.ts). */
export const LOCK_FILE = 'qlf.lock.json';

const NEVER_SHIPPED_FILES = [
  /\.py[co]$/,
  /^\.DS_Store$/,
  /^\.coverage(\..*)?$/,
  /\.qlf-tmp$/,
  /^\.env$/,
  /^\.env\..*\.local$/,
];

/** Whether an entry called `name` (a folder when `isDir`) is left out wherever it is. */
export function neverShipped(name: string, isDir: boolean): boolean {
  return isDir ? NEVER_SHIPPED_DIRS.has(name) : NEVER_SHIPPED_FILES.some((pattern) => pattern.test(name));
}
