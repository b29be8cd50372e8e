// Turns a path from a request into a file inside the workspace, or refuses it: absolute paths, `..`, backslashes,
// NUL, still-encoded escapes, symlinks whose target leaves the allowed folder, secrets, and (for writes) anything but
// a brief file the config's globs find.
import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { resolveInside } from '../../core/safe-path.js';
import { isBriefFile } from '../../workspace/briefs.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { ApiError } from './http-util.js';
import { secretPathReason } from './secret-files.js';

const refused = (raw: string, why: string) =>
  new ApiError(403, 'E_UI_PATH', `path ${JSON.stringify(raw)} is refused: ${why}`, {
    hint: 'Pass a plain relative path inside the workspace, without `..` or encoded characters.',
  });

/** A request's path as a clean POSIX path relative to some folder, or a 403 saying what is wrong with it. */
export function cleanRelativePath(raw: string): string {
  if (raw === '' || raw.includes('\0')) throw refused(raw, 'empty or holds a NUL byte');
  if (raw.includes('\\')) throw refused(raw, 'backslashes are not path separators here');
  if (/%[0-9a-f]{2}/i.test(raw)) throw refused(raw, 'it is still percent-encoded');
  if (raw.startsWith('/') || isAbsolute(raw) || /^[a-z]:/i.test(raw)) throw refused(raw, 'it is absolute');
  const parts = raw.split('/');
  if (parts.some((part) => part === '..' || part === '.' || part === '')) {
    throw refused(raw, 'it has `..`, `.` or empty segments');
  }
  return parts.join('/');
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}

/**
 * The real path of `rel` under `base` when something is there, following symlinks; a target outside `base` (or
 * outside the workspace `root`) is refused. Undefined when nothing exists at that path.
 */
export async function realPathInside(root: string, base: string, rel: string): Promise<string | undefined> {
  const target = resolveInside(base, rel);
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const [realRoot, realBase] = await Promise.all([realpath(root), realpath(base).catch(() => resolve(base))]);
  if (!inside(realRoot, real) || !inside(realBase, real)) throw refused(rel, 'it leads outside the allowed folder');
  return real;
}

/** Refuses secrets: by name (relative to the workspace), and the configured signing key wherever it is. */
export async function refuseSecrets(config: ResolvedConfig, real: string, shown: string): Promise<void> {
  const rel = relative(await realpath(config.root), real)
    .split(sep)
    .join('/');
  const reason = secretPathReason(rel) ?? secretPathReason(shown);
  if (reason) throw refused(shown, reason);
  for (const key of [config.package.signingKey, process.env.QLF_SIGNING_KEY]) {
    if (!key) continue;
    const keyReal = await realpath(resolve(config.root, key)).catch(() => undefined);
    if (keyReal === real) throw refused(shown, 'it is the signing key');
  }
}

/** Whether `rel` (POSIX, relative to the root) is a `*.qlf.yaml` brief file the config finds. */
export function isBriefPath(config: ResolvedConfig, rel: string): boolean {
  return rel.endsWith('.qlf.yaml') && isBriefFile(config, resolve(config.root, rel));
}

/**
 * The brief file at request path `raw`: a `*.qlf.yaml` the config's `briefs` globs find (and `ignore` does not), a
 * regular file (not a symlink), inside the workspace. `mustExist` refuses a path with nothing there (404).
 */
export async function briefFilePath(
  config: ResolvedConfig,
  raw: string,
  options: { mustExist?: boolean } = {},
): Promise<{ rel: string; abs: string }> {
  const rel = cleanRelativePath(raw);
  if (!isBriefPath(config, rel)) {
    throw refused(raw, `only brief files (*.qlf.yaml matching ${config.briefs.join(', ')}) are read and written here`);
  }
  const abs = resolveInside(config.root, rel);
  const real = await realPathInside(config.root, config.root, rel);
  if (real === undefined) {
    if (options.mustExist !== false) throw new ApiError(404, 'E_UI_NOT_FOUND', `no brief file at ${rel}`);
    return { rel, abs };
  }
  const info = await lstat(abs);
  if (info.isSymbolicLink() || !info.isFile()) throw refused(raw, 'it is not a regular file');
  await refuseSecrets(config, real, rel);
  return { rel, abs };
}
