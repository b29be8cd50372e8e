// Reading and saving a brief file from the editor. A save names the hash of the text it started from: when the file
// changed on disk since (another editor, a `git pull`), the save is refused with 409 and the editor offers a reload,
// so an outside edit is never overwritten silently. Saves are atomic (temp file, fsync, rename).
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { MAX_BRIEF_BYTES } from '../../core/brief-yaml.js';
import { sha256 } from '../../core/hash.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { BriefFile, BriefFileMeta } from '../shared/api.js';
import { ApiError, stringField } from './http-util.js';
import { briefFilePath } from './workspace-paths.js';

/** Saves to one file queue up, so the hash check and the write of one save are never split by another save. */
const queues = new Map<string, Promise<unknown>>();

function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const next = (queues.get(key) ?? Promise.resolve()).then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

export async function readBriefFileView(config: ResolvedConfig, raw: string): Promise<BriefFile> {
  const { rel, abs } = await briefFilePath(config, raw);
  const [bytes, info] = await Promise.all([readFile(abs), stat(abs)]);
  return { path: rel, text: bytes.toString('utf8'), hash: sha256(bytes), mtimeMs: info.mtimeMs };
}

export async function readBriefFileMeta(config: ResolvedConfig, raw: string): Promise<BriefFileMeta> {
  const { rel, abs } = await briefFilePath(config, raw);
  const [bytes, info] = await Promise.all([readFile(abs), stat(abs)]);
  return { path: rel, hash: sha256(bytes), mtimeMs: info.mtimeMs };
}

/** Writes the editor's text when the file still has `baseHash`; else 409 with the file's current hash. */
export async function saveBriefFile(config: ResolvedConfig, body: unknown): Promise<BriefFileMeta> {
  const raw = stringField(body, 'path') as string;
  const text = stringField(body, 'text') as string;
  const baseHash = stringField(body, 'baseHash') as string;
  if (Buffer.byteLength(text) > MAX_BRIEF_BYTES) {
    throw new ApiError(413, 'E_UI_BODY_TOO_LARGE', `a brief is at most ${MAX_BRIEF_BYTES} bytes`);
  }
  const { rel, abs } = await briefFilePath(config, raw);
  return serialised(abs, async () => {
    const [current, before] = await Promise.all([readFile(abs), stat(abs)]);
    const hash = sha256(current);
    if (hash !== baseHash) {
      throw new ApiError(409, 'E_UI_CHANGED_ON_DISK', `${rel} changed on disk since it was loaded`, {
        hint: 'Reload the file to see the change, or keep your text and save over it on purpose.',
        data: { current: { path: rel, hash, mtimeMs: before.mtimeMs } satisfies BriefFileMeta },
      });
    }
    // The file keeps its permission bits; a temp file would otherwise get the default ones.
    await writeFileAtomic(abs, text, before.mode & 0o777);
    const info = await stat(abs);
    return { path: rel, hash: sha256(text), mtimeMs: info.mtimeMs };
  });
}
