// What a brief produced: its working copy's files (listed and read, never a secret, never outside the working copy)
// and the verify report the last run published.
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NEVER_SHIPPED_DIRS } from '../../core/never-shipped.js';
import { briefOutDir } from '../../graph/index.js';
import { verifyReportSchema } from '../../schemas/verify-report.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { serviceDirOf } from '../../workspace/working-copy.js';
import type { FileContent, FileEntry, FileTreeResponse, VerifyReportView } from '../shared/api.js';
import { listBriefs } from './briefs-api.js';
import { ApiError } from './http-util.js';
import { holdsPrivateKey, secretPathReason } from './secret-files.js';
import { cleanRelativePath, realPathInside, refuseSecrets } from './workspace-paths.js';

/** Most files listed; a working copy is a service's sources, so more means something else is in it. */
const MAX_FILES = 5_000;
/** Largest file shown as text. */
const MAX_TEXT_BYTES = 1024 * 1024;

const posixRelative = (root: string, abs: string) =>
  abs
    .slice(root.length + 1)
    .split(/[\\/]/)
    .join('/');

/** The brief called `name` (its file, absolute), or 404. */
export async function briefByName(config: ResolvedConfig, name: string): Promise<{ name: string; file: string }> {
  const brief = (await listBriefs(config)).find((b) => b.name === name);
  if (!brief) throw new ApiError(404, 'E_UI_NOT_FOUND', `no brief is named ${JSON.stringify(name)}`);
  return { name, file: join(config.root, brief.file) };
}

export async function workingCopyOf(config: ResolvedConfig, name: string): Promise<string> {
  return serviceDirOf(config, (await briefByName(config, name)).file);
}

/** The working copy's files, sorted; caches, virtualenvs, symlinks and secrets are left out. */
export async function fileTree(config: ResolvedConfig, name: string): Promise<FileTreeResponse> {
  const dir = await workingCopyOf(config, name);
  const shownRoot = posixRelative(config.root, dir);
  const files: FileEntry[] = [];
  let truncated = 0;
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const abs = join(folder, entry.name);
      const rel = posixRelative(dir, abs);
      if (entry.isDirectory()) {
        if (!NEVER_SHIPPED_DIRS.has(entry.name) && !secretPathReason(`${rel}/x`)) await walk(abs);
      } else if (entry.isFile() && !secretPathReason(rel)) {
        if (files.length >= MAX_FILES) truncated++;
        else files.push({ path: rel, size: (await lstat(abs)).size });
      }
    }
  };
  const exists = (await lstat(dir).catch(() => undefined))?.isDirectory() ?? false;
  if (exists) await walk(dir);
  return { root: shownRoot, exists, files, truncated };
}

/** One file of the working copy as text (or marked binary), refused when it is a secret or leads outside. */
export async function workingCopyFile(config: ResolvedConfig, name: string, raw: string): Promise<FileContent> {
  const dir = await workingCopyOf(config, name);
  const rel = cleanRelativePath(raw);
  const real = await realPathInside(config.root, dir, rel);
  if (real === undefined) throw new ApiError(404, 'E_UI_NOT_FOUND', `no file ${rel} in the working copy of ${name}`);
  await refuseSecrets(config, real, rel);
  const info = await lstat(real);
  if (!info.isFile()) throw new ApiError(404, 'E_UI_NOT_FOUND', `${rel} is not a file`);
  const handle = await open(real, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(info.size, MAX_TEXT_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const binary = bytes.includes(0);
  const text = binary ? undefined : bytes.toString('utf8');
  if (text !== undefined && holdsPrivateKey(text)) {
    throw new ApiError(403, 'E_UI_PATH', `${rel} holds a private key and is never served`);
  }
  return {
    path: rel,
    size: info.size,
    binary,
    ...(text === undefined ? {} : { text }),
    truncated: info.size > MAX_TEXT_BYTES,
  };
}

/** The verify report the last run published for `name` (`<outDir>/<name>/verify/report.json`). */
export async function verifyReport(config: ResolvedConfig, name: string): Promise<VerifyReportView> {
  await briefByName(config, name);
  const file = join(briefOutDir(config, name), 'verify', 'report.json');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return { exists: false };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError(500, 'E_UI_REPORT', `${file} is not JSON`);
  }
  const parsed = verifyReportSchema.safeParse(data);
  if (!parsed.success) throw new ApiError(500, 'E_UI_REPORT', `${file} is not a verify report`);
  const { name: reportName, passed, strict, runners, findings } = parsed.data;
  return {
    exists: true,
    report: {
      name: reportName,
      passed,
      strict,
      runners: runners.map(({ runner, database, status, reason }) => ({
        runner,
        status,
        ...(database ? { database } : {}),
        ...(reason ? { reason } : {}),
      })),
      findings,
    },
  };
}
