// What the collector reads back from a brief's published outputs (`<outDir>/<brief>/`) and from the task cache: the
// facts events do not carry (files generated, LLM calls, findings, images, capsule sizes, bytes a cache hit served).
// Every reader returns undefined for a missing or unreadable file: metrics never fail a run.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { entryDirOf } from '../../cache/entry-layout.js';
import { readUsageReport } from '../../executors/generate/model/usage-report.js';
import { GENERATED_LOCK, LLM_USAGE } from '../../graph/stages.js';
import type { LlmCallRecord } from '../../llm/session.js';
import type { BuildResult } from '../../schemas/build-result.js';
import type { GenerationLock } from '../../schemas/generation-lock.js';
import type { VerifyReport } from '../../schemas/verify-report.js';

/** How far a file's mtime may trail the clock it is compared with. */
const MTIME_SLACK_MS = 100;

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface GenerateFacts {
  /** Files in the generation's lock (every file the generator wrote). */
  files: number;
  /** `templates` when no model took part (or the template-only fallback was kept), else `model`. */
  agent: 'templates' | 'model';
  calls: LlmCallRecord[];
}

/** The generation lock and the usage report (`llm-usage.json`) of a generate task. */
export async function readGenerateFacts(briefDir: string): Promise<GenerateFacts | undefined> {
  const lock = await readJson<GenerationLock>(join(briefDir, GENERATED_LOCK));
  if (!lock?.files) return undefined;
  const usage = await readUsageReport(join(briefDir, LLM_USAGE));
  const provider = usage?.provider ?? lock.generator?.provider ?? 'templates';
  return {
    files: Object.keys(lock.files).length,
    agent: provider === 'templates' || usage?.fallback ? 'templates' : 'model',
    calls: usage?.calls ?? [],
  };
}

/** `verify/report.json`, when it was written at or after `since` (a verify that failed early leaves an older one). */
export async function readVerifyReport(briefDir: string, since: number): Promise<VerifyReport | undefined> {
  const file = join(briefDir, 'verify', 'report.json');
  const info = await stat(file).catch(() => undefined);
  // File times come from the kernel's coarse clock, a few milliseconds behind `Date.now()`: allow for that.
  if (!info || info.mtimeMs < since - MTIME_SLACK_MS) return undefined;
  return readJson<VerifyReport>(file);
}

/** `build/build.json`. */
export function readBuildResult(briefDir: string): Promise<BuildResult | undefined> {
  return readJson<BuildResult>(join(briefDir, 'build', 'build.json'));
}

/** Size in bytes of the capsule under `package/` (`<name>.qlcapsule`). */
export async function readCapsuleSize(briefDir: string, brief: string): Promise<number | undefined> {
  const dir = join(briefDir, 'package');
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = names.includes(`${brief}.qlcapsule`)
    ? `${brief}.qlcapsule`
    : names.find((n) => n.endsWith('.qlcapsule'));
  if (!name) return undefined;
  return (await stat(join(dir, name)).catch(() => undefined))?.size;
}

/** Bytes of the output files of the local cache entry `hash` (its manifest lists each file's size). */
export async function readEntryBytes(cacheDir: string, hash: string): Promise<number | undefined> {
  const manifest = await readJson<{ files?: { size: number }[] }>(join(entryDirOf(cacheDir, hash), 'manifest.json'));
  return manifest?.files?.reduce((sum, file) => sum + file.size, 0);
}
