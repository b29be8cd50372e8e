// One task of a graph run: hash it, serve it from what is published or from the cache, or run it (with retries) and
// store it; then publish its outputs and record what was published (graph/published-state.ts).
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { digestFiles, hashTree } from '../cache/file-tree.js';
import type { LocalCache, VerifiedEntry } from '../cache/local-cache.js';
import { type QlfIssue, workError } from '../core/errors.js';
import { qlfVersion } from '../core/package-info.js';
import { injectTraceContext, inSpan } from '../observability/tracing/index.js';
import type { ResolvedConfig } from '../workspace/config.js';
import type { RunEvent, TaskResult } from './events.js';
import type { TaskExecutor } from './executors.js';
import { briefOutDir, publishedPaths, publishOutputs } from './publish.js';
import type { PublishedState } from './published-state.js';
import type { RemoteSharing } from './remote-sharing.js';
import type { RunGraphOptions } from './run-graph.js';
import type { Semaphore } from './semaphore.js';
import type { BriefRef, RunOnce, StageTask, TaskSkip } from './stage-task.js';
import { STAGES, type StageName } from './stages.js';
import { type TaskGraph, type TaskNode, taskId } from './task-graph.js';
import { computeTaskHash } from './task-hash.js';
import type { WorkerResponse } from './worker-protocol.js';

/** What every task of one run shares. */
export interface TaskEnv {
  config: ResolvedConfig;
  runDir: string;
  graph: TaskGraph;
  byStage: Map<StageName, StageTask>;
  outputHashes: Map<string, string>;
  executor: TaskExecutor;
  taskModule: string;
  cache?: LocalCache;
  /** The remote cache, when one is configured (only with a local cache: artifacts pass through it). */
  remote?: RemoteSharing;
  published: PublishedState;
  /** Hits served by the warm path: their outputs are in the cache only, under this hash, until a task reads them. */
  fromCacheLater: Map<string, string>;
  /** Hash work shared by the run's tasks (see `RunOnce`). */
  once: RunOnce;
  /** Restores of those outputs into the run's brief folders, once each. */
  materialized: Map<string, Promise<void>>;
  signal?: AbortSignal;
  emit: (event: RunEvent) => void;
  options: RunGraphOptions;
  workers: Semaphore;
  heavy: Semaphore;
}

/** The run's copy of a brief's outputs: what its later stages, and the briefs using it, read as their input. */
function briefDirOf(env: TaskEnv, brief: string): string {
  return join(env.runDir, 'briefs', brief);
}

/**
 * Puts the outputs `node` may read into the run's brief folders: earlier stages of its brief and stages up to its own
 * of the briefs it uses. Tasks that really ran or were restored copied theirs already; warm-path hits are restored
 * from the cache now, once each.
 */
async function materializeInputs(node: TaskNode, brief: BriefRef, env: TaskEnv): Promise<void> {
  const own = STAGES.indexOf(node.stage);
  const wanted: [string, StageName][] = [
    ...STAGES.slice(0, own).map((stage): [string, StageName] => [brief.name, stage]),
    ...brief.uses.flatMap((used) => STAGES.slice(0, own + 1).map((stage): [string, StageName] => [used, stage])),
  ];
  const cache = env.cache;
  if (!cache) return;
  await Promise.all(
    wanted.map(([owner, stage]) => {
      const id = taskId(owner, stage);
      const hash = env.fromCacheLater.get(id);
      if (hash === undefined) return undefined;
      let restoring = env.materialized.get(id);
      const snapshotting = env.byStage.get(stage);
      if (!restoring && snapshotting?.snapshot) {
        // Downstream reads a snapshot of the working copy, whose digest the warm path vouched for: take it now.
        restoring = snapshotOf(
          snapshotting,
          env.graph.briefs.get(owner) as BriefRef,
          env,
          true,
          briefDirOf(env, owner),
        ).then((digest) => {
          if (digest === env.outputHashes.get(id)) return;
          throw workError('E_SOURCE_CHANGED', `the working copy of ${owner} changed during the run`, {
            hint: 'Run again: files were saved while qlf was reading them.',
          });
        });
        env.materialized.set(id, restoring);
      }
      if (!restoring) {
        restoring = cache.restore(hash, briefDirOf(env, owner)).then((manifest) => {
          if (manifest) return;
          throw workError(
            'E_CACHE_VANISHED',
            `the cache entry of ${id} (${hash.slice(0, 12)}) went away during the run`,
            {
              hint: 'Run again (was `qlf cache clean` or `qlf cache prune` running at the same time?).',
            },
          );
        });
        env.materialized.set(id, restoring);
      }
      return restoring;
    }),
  );
}

/** A line a person should see even when the task succeeds (`warning: migration drops column …`). */
const WARNING = 'warning: ';

/** The `warning: …` lines of a task's output (its log, or what publishing it said), without the prefix. */
export function warningsFromOutput(terminalOutput: string): string[] {
  return terminalOutput
    .split('\n')
    .filter((line) => line.startsWith(WARNING))
    .map((line) => line.slice(WARNING.length));
}

function withWarnings(warnings: string[]): { warnings?: string[] } {
  return warnings.length > 0 ? { warnings } : {};
}

/** Takes the snapshot of a snapshotting stage (generate) into `briefDir/service`; returns its digest. */
function snapshotOf(task: StageTask, brief: BriefRef, env: TaskEnv, published: boolean, outputsDir: string) {
  return (task.snapshot as NonNullable<StageTask['snapshot']>)({
    config: env.config,
    brief,
    targetDir: briefOutDir(env.config, brief.name),
    snapshotDir: briefDirOf(env, brief.name),
    outputsDir,
    published,
  });
}

/** The skips a task logged (`skipped: <check> (<reason>)` lines), e.g. replayed from a cache hit's output. */
export function skipsFromOutput(terminalOutput: string): TaskSkip[] {
  const skips: TaskSkip[] = [];
  for (const line of terminalOutput.split('\n')) {
    const match = /^skipped: (\S+) \((.*)\)$/.exec(line);
    if (match) skips.push({ check: match[1] as string, reason: match[2] as string, keyed: true });
  }
  return skips;
}

/** Moves what is in `from` into `to`: a rename per top-level entry, copying over only where `to` already has one. */
async function moveInto(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    await rename(join(from, name), join(to, name)).catch(() =>
      cp(join(from, name), join(to, name), { recursive: true, force: true }),
    );
  }
}

/** Runs one task. Slots it takes are pushed on `releases`; the caller frees them after reporting the task's end. */
export async function processTask(
  node: TaskNode,
  task: StageTask,
  env: TaskEnv,
  releases: (() => void)[],
): Promise<TaskResult> {
  // Reset when the task really starts, so time spent waiting for a slot is not counted as its duration.
  let started = Date.now();
  const brief = env.graph.briefs.get(node.brief) as BriefRef;
  const briefDir = briefDirOf(env, brief.name);
  const usesDirs = Object.fromEntries(
    brief.uses.filter((name) => env.graph.briefs.has(name)).map((name) => [name, briefDirOf(env, name)]),
  );
  const base = { config: env.config, brief, inputDir: briefDir, usesDirs, serviceDir: join(briefDir, 'service') };
  const result: TaskResult = {
    id: node.id,
    brief: node.brief,
    stage: node.stage,
    hash: null,
    status: 'failed',
    cache: null,
    durationMs: 0,
    savedMs: 0,
    terminalOutput: '',
    attempts: 0,
  };
  const fail = (error: unknown): TaskResult => {
    const e = error as { message?: string; code?: string; hint?: string; issues?: QlfIssue[] };
    return {
      ...result,
      status: 'failed',
      error: e?.message ?? String(error),
      errorCode: typeof e?.code === 'string' ? e.code : undefined,
      hint: typeof e?.hint === 'string' ? e.hint : undefined,
      issues: Array.isArray(e?.issues) && e.issues.length > 0 ? e.issues : undefined,
      durationMs: Date.now() - started,
    };
  };
  const outDir = join(env.runDir, 'tasks', `${brief.name}.${node.stage}`);
  let usedOutDir = false;
  try {
    const upstream: Partial<Record<StageName, string>> = {};
    for (const stage of task.reads) {
      const digest = env.outputHashes.get(taskId(brief.name, stage));
      if (digest) upstream[stage] = digest;
    }
    const uses: Record<string, string> = {};
    for (const name of Object.keys(usesDirs)) {
      const digest = env.outputHashes.get(taskId(name, node.stage));
      if (digest) uses[name] = digest;
    }
    const hash = computeTaskHash({
      stage: node.stage,
      upstream,
      uses,
      parts: await task.inputs({ ...base, once: env.once }),
    });
    result.hash = hash;
    const start = (reset: boolean) => {
      if (reset) started = Date.now();
      env.emit({ type: 'task:start', id: node.id, brief: node.brief, stage: node.stage, hash });
    };
    const cache = task.cacheable ? env.cache : undefined;
    const publish = env.options.publish !== false;
    const publishTo = { config: env.config, brief, targetDir: briefOutDir(env.config, brief.name) };
    const paths = cache && publish ? publishedPaths(task, publishTo) : undefined;

    // The warm path: this hash's outputs are what is published, nothing under the published paths changed since, and
    // the cache entry is as it was when last checked. Restoring and publishing again would write the same bytes.
    let known = cache && paths ? env.published.match(brief.name, node.stage, hash, paths) : undefined;
    if (known && task.validateHit) {
      const outputsDir = publishTo.targetDir;
      if (!(await task.validateHit({ config: env.config, brief, outputsDir, once: env.once }))) known = undefined;
    }
    if (cache && known) {
      start(false);
      cache.touch(hash);
      env.fromCacheLater.set(node.id, hash);
      return {
        ...result,
        status: 'cached',
        cache: 'local',
        savedMs: known.durationMs,
        terminalOutput: known.terminalOutput,
        skips: skipsFromOutput(known.terminalOutput),
        ...withWarnings(warningsFromOutput(known.terminalOutput)),
        outputHash: known.outputHash,
        durationMs: Date.now() - started,
      };
    }

    usedOutDir = true;
    await mkdir(briefDir, { recursive: true });
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    let entry: VerifiedEntry | undefined = cache ? await cache.restoreVerified(hash, outDir) : undefined;
    let source: TaskResult['cache'] = entry ? 'local' : null;
    if (!entry && cache && env.remote) {
      entry = await env.remote.restore(hash, outDir);
      if (entry) source = 'remote';
    }
    if (entry && task.validateHit) {
      if (!(await task.validateHit({ config: env.config, brief, outputsDir: outDir, once: env.once }))) {
        entry = undefined;
        source = null;
      }
    }
    if (entry) {
      start(false);
      result.status = 'cached';
      result.cache = source;
      result.savedMs = entry.manifest.durationMs;
      result.terminalOutput = entry.manifest.terminalOutput;
      result.skips = skipsFromOutput(entry.manifest.terminalOutput);
      Object.assign(result, withWarnings(warningsFromOutput(entry.manifest.terminalOutput)));
    } else {
      await materializeInputs(node, brief, env);
      const maxAttempts = 1 + (task.retryable ? (env.options.retries ?? 2) : 0);
      let response: WorkerResponse | undefined;
      let runStarted = Date.now();
      // Slots are held until the task's end is reported (its outputs stored and published). A heavy task mostly waits
      // on its child processes, so it takes a heavy slot instead of a worker slot (the pool has threads for both).
      releases.push(await (task.heavy ? env.heavy : env.workers).acquire());
      start(true);
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        result.attempts = attempt;
        env.signal?.throwIfAborted();
        await rm(outDir, { recursive: true, force: true });
        await mkdir(outDir, { recursive: true });
        runStarted = Date.now();
        try {
          response = await env.executor.run(
            // The task span's context goes along, so the worker's spans are its children.
            { taskModule: env.taskModule, stage: node.stage, ctx: { ...base, outDir }, trace: injectTraceContext() },
            env.signal,
          );
        } catch (error) {
          if (env.signal?.aborted) throw new Error('interrupted');
          // The worker died under the task (uncaught error, out of memory): a failure of this task only.
          response = {
            ok: false,
            terminalOutput: '',
            skips: [],
            error: {
              message: `worker crashed: ${(error as Error)?.message ?? String(error)}`,
              code: 'E_WORKER_CRASH',
            },
          };
        }
        if (response.ok || attempt === maxAttempts || response.error.kind === 'input') break;
        const delayMs = (env.options.retryBaseMs ?? 250) * 2 ** (attempt - 1);
        env.emit({ type: 'task:retry', id: node.id, attempt, delayMs, error: response.error.message });
        await sleep(delayMs, env.signal);
      }
      const final = response as WorkerResponse;
      result.terminalOutput = final.terminalOutput;
      result.skips = final.skips;
      Object.assign(result, withWarnings(warningsFromOutput(final.terminalOutput)));
      if (!final.ok) {
        if (task.publishOnFailure && publish) {
          // e.g. verify's report: the user needs to read why it failed; it is never cached.
          await publishOutputs(task, { ...publishTo, sourceDir: outDir }).catch(() => undefined);
        }
        return fail(Object.assign(new Error(final.error.message), { ...final.error }));
      }
      // A result that skipped something another run could do (no engine answered, a tool was missing) is not kept:
      // the cache would serve it to runs and machines that can do better.
      const unkeyed = final.skips.filter((skip) => !skip.keyed);
      if (cache && unkeyed.length === 0) {
        entry = await cache.putVerified(outDir, {
          taskId: node.id,
          hash,
          terminalOutput: final.terminalOutput,
          durationMs: Date.now() - runStarted,
          qlfVersion: qlfVersion(),
        });
        env.remote?.upload(hash);
      }
      result.status = 'success';
    }
    result.outputHash = digestFiles(entry?.manifest.files ?? (await hashTree(outDir)));
    if (publish) {
      const said = await inSpan('qlf.publish', { 'qlf.stage': node.stage }, () =>
        publishOutputs(task, { ...publishTo, sourceDir: outDir }),
      );
      if (said.length > 0) result.terminalOutput = [result.terminalOutput, ...said].filter((l) => l !== '').join('\n');
      const warnings = [...(result.warnings ?? []), ...warningsFromOutput(said.join('\n'))];
      if (warnings.length > 0) result.warnings = warnings;
    }
    if (task.snapshot) result.outputHash = await snapshotOf(task, brief, env, publish, outDir);
    if (publish) {
      if (entry && paths) {
        // Best effort: without a record the next run takes this path again, which is slower but as correct.
        await env.published
          .record(brief.name, node.stage, { hash, outputHash: result.outputHash, entry, paths })
          .catch(() => undefined);
      }
    }
    await moveInto(outDir, briefDir);
    result.durationMs = Date.now() - started;
    return result;
  } catch (error) {
    return fail(env.signal?.aborted ? new Error('interrupted') : error);
  } finally {
    if (usedOutDir) await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
