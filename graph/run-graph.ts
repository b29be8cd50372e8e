// The graph runner: hashes each task from its sources or its upstream outputs, restores cache hits, runs the rest in a
// worker pool in dependency order (heavy tasks capped), retries retryable stages, and publishes outputs.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { digestFiles, hashTree } from '../cache/file-tree.js';
import { type CacheWriteFile, LocalCache } from '../cache/local-cache.js';
import type { ResolvedConfig } from '../core/config.js';
import { inputError, type QlfIssue } from '../core/errors.js';
import { qlfVersion } from '../core/package-info.js';
import { discoverBriefs } from './discover-briefs.js';
import { type RunEvent, type RunTotals, type TaskResult, totalsOf } from './events.js';
import { loadStageTasks } from './execute-task.js';
import { createInlineExecutor, createPoolExecutor, defaultTaskModule, type TaskExecutor } from './executors.js';
import { briefOutDir, publishOutputs } from './publish.js';
import { acquireRunLock } from './run-lock.js';
import { Semaphore } from './semaphore.js';
import type { BriefRef, StageTask } from './stage-task.js';
import { STAGES, type StageName } from './stages.js';
import { buildTaskGraph, type TaskGraph, type TaskNode, taskId, topologicalOrder } from './task-graph.js';
import { computeTaskHash } from './task-hash.js';
import type { WorkerResponse } from './worker-protocol.js';

export interface RunGraphOptions {
  config: ResolvedConfig;
  /** Files or folders narrowing which briefs run (their `uses` dependencies run too). @default all briefs */
  paths?: string[];
  /** Base for relative `paths`. @default process.cwd() */
  cwd?: string;
  /** Brief names to run (with their dependencies); combined with `paths` by intersection. */
  only?: string[];
  /** Run stages up to and including this one. @default the last registered stage */
  stage?: StageName;
  /** Use the local cache. @default true */
  cache?: boolean;
  /** Keep running other branches after a failure. @default true */
  continue?: boolean;
  /** Tasks at once. @default config.run.concurrency ?? max(1, cores - 1) */
  concurrency?: number;
  /** Heavy tasks at once. @default config.run.heavyConcurrency */
  heavyConcurrency?: number;
  /** `pool`: piscina worker threads (needs the built dist/); `inline`: this thread. @default 'pool' */
  executor?: 'pool' | 'inline';
  /** Module (file URL or path) exporting `stageTasks`; the worker imports it. @default graph/stage-tasks/index.js */
  taskModule?: string;
  /** Stage tasks for the inline executor (skips importing `taskModule`). */
  stageTasks?: StageTask[];
  /** Extra attempts for retryable stages. @default 2 */
  retries?: number;
  /** First retry delay; doubles each attempt. @default 250 */
  retryBaseMs?: number;
  /** Publish outputs into `<outDir>/<name>/`. @default true */
  publish?: boolean;
  /** Take the workspace run lock. @default true */
  lock?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Injected cache file writer (tests simulate a full disk with it). */
  cacheWriteFile?: CacheWriteFile;
}

export interface RunResult {
  tasks: TaskResult[];
  totals: RunTotals;
  interrupted: boolean;
  graph: TaskGraph;
}

/** Stage tasks in pipeline order; the graph has exactly these stages. */
export function orderedStages(tasks: readonly StageTask[]): StageName[] {
  return STAGES.filter((stage) => tasks.some((task) => task.stage === stage));
}

/** Discovers briefs and builds the graph for the selected briefs and stages (plus what they depend on). */
export async function planGraph(
  options: Pick<RunGraphOptions, 'config' | 'paths' | 'cwd' | 'only' | 'stage'> & { stages: StageName[] },
): Promise<{ graph: TaskGraph; selected: string[] }> {
  const { config } = options;
  let stages = options.stages;
  if (options.stage) {
    const index = stages.indexOf(options.stage);
    if (index < 0) {
      throw inputError('E_STAGE_UNKNOWN', `stage "${options.stage}" has no task yet`, {
        hint: `Use one of: ${stages.join(', ')}.`,
      });
    }
    stages = stages.slice(0, index + 1);
  }
  const all = await discoverBriefs(config);
  const graph = buildTaskGraph(all, stages);
  let names = all.map((brief) => brief.name);
  if (options.paths && options.paths.length > 0) {
    const narrowed = new Set(
      (await discoverBriefs(config, { paths: options.paths, cwd: options.cwd })).map((b) => b.name),
    );
    names = names.filter((name) => narrowed.has(name));
  }
  if (options.only) {
    const only = new Set(options.only);
    names = names.filter((name) => only.has(name));
  }
  const wanted = new Set<string>();
  const add = (id: string) => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const dep of graph.dependencies.get(id) ?? []) add(dep);
  };
  for (const name of names) for (const stage of stages) add(taskId(name, stage));
  const selected = topologicalOrder(graph).filter((id) => wanted.has(id));
  return { graph, selected };
}

export async function runGraph(options: RunGraphOptions): Promise<RunResult> {
  const started = Date.now();
  const { config } = options;
  const executorKind = options.executor ?? 'pool';
  const taskModule = options.taskModule ?? defaultTaskModule(executorKind);
  const stageTasks = options.stageTasks ?? (await loadStageTasks(taskModule));
  const byStage = new Map(stageTasks.map((task) => [task.stage, task]));
  const { graph, selected } = await planGraph({ ...options, stages: orderedStages(stageTasks) });
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const concurrency = Math.max(1, options.concurrency ?? config.run.concurrency ?? Math.max(1, cpus().length - 1));
  const heavyLimit = Math.max(1, options.heavyConcurrency ?? config.run.heavyConcurrency);
  const emit = (event: RunEvent) => options.onEvent?.(event);
  const signal = options.signal;
  const cache =
    options.cache === false ? undefined : new LocalCache(config.cacheDir, { writeFile: options.cacheWriteFile });

  const lock =
    options.lock === false
      ? undefined
      : await acquireRunLock(join(config.root, '.qlf', 'run.lock'), {
          signal,
          onWait: (holder) => emit({ type: 'run:wait-lock', holder }),
        });
  const runDir = join(config.root, '.qlf', 'tmp', `run-${process.pid}-${randomBytes(6).toString('hex')}`);
  let executor: TaskExecutor | undefined;
  const results = new Map<string, TaskResult>();
  const outputHashes = new Map<string, string>();
  let interrupted = false;
  try {
    await mkdir(runDir, { recursive: true });
    executor =
      executorKind === 'inline'
        ? createInlineExecutor(options.stageTasks ?? stageTasks)
        : createPoolExecutor(concurrency + heavyLimit);
    emit({ type: 'run:start', tasks: selected.map((id) => nodes.get(id) as TaskNode), concurrency });

    const finish = (result: TaskResult) => {
      results.set(result.id, result);
      if (result.outputHash) outputHashes.set(result.id, result.outputHash);
      emit({ type: 'task:end', result });
    };
    const skipped = (node: TaskNode, reason: string): TaskResult => ({
      id: node.id,
      brief: node.brief,
      stage: node.stage,
      hash: null,
      status: 'skipped',
      cache: null,
      durationMs: 0,
      savedMs: 0,
      terminalOutput: '',
      error: reason,
      attempts: 0,
    });
    const rootFailure = (id: string): string => {
      const result = results.get(id);
      const match = result?.status === 'skipped' ? /^skipped because (\S+) failed/.exec(result.error ?? '') : null;
      return match?.[1] ?? id;
    };

    // Hashing and cache restores are I/O: many may be in flight. Running a task takes a worker slot (and a heavy
    // slot for heavy stages), so a warm run is not throttled to the worker count.
    const ctxFor: TaskEnv = {
      config,
      runDir,
      graph,
      byStage,
      outputHashes,
      executor,
      taskModule,
      cache,
      signal,
      emit,
      options,
      workers: new Semaphore(concurrency),
      heavy: new Semaphore(heavyLimit),
    };
    const inFlight = Math.max(8, concurrency * 4);
    const selectedSet = new Set(selected);
    // Insertion-ordered (topological); deleting while iterating a Set is safe.
    const pending = new Set(selected);
    const running = new Map<string, Promise<void>>();
    let firstFailure: string | undefined;
    const bail = options.continue === false;
    // One listener for the whole run (a listener per scheduling round would pile up).
    const aborted = signal ? abortPromise(signal) : undefined;

    for (;;) {
      if (signal?.aborted) interrupted = true;
      const stopStarting = interrupted || (bail && firstFailure !== undefined);
      for (const id of pending) {
        const node = nodes.get(id) as TaskNode;
        const deps = (graph.dependencies.get(id) ?? []).filter((dep) => selectedSet.has(dep));
        const bad = deps.find((dep) => {
          const status = results.get(dep)?.status;
          return status === 'failed' || status === 'skipped';
        });
        if (bad) {
          pending.delete(id);
          finish(skipped(node, `skipped because ${rootFailure(bad)} failed`));
          continue;
        }
        if (stopStarting || running.size >= inFlight) continue;
        if (!deps.every((dep) => results.has(dep))) continue;
        const task = byStage.get(node.stage) as StageTask;
        pending.delete(id);
        const releases: (() => void)[] = [];
        const promise = processTask(node, task, ctxFor, releases)
          .then((result) => {
            if (result.status === 'failed') firstFailure ??= id;
            finish(result);
          })
          .finally(() => {
            for (const release of releases) release();
            running.delete(id);
          });
        running.set(id, promise);
      }
      if (running.size === 0) break;
      await Promise.race([...running.values(), ...(aborted && !interrupted ? [aborted] : [])]);
    }
    for (const id of pending) {
      const node = nodes.get(id) as TaskNode;
      finish(
        skipped(
          node,
          interrupted ? 'skipped: the run was interrupted' : `skipped: the run stopped after ${firstFailure} failed`,
        ),
      );
    }
  } finally {
    await executor?.close().catch(() => undefined);
    await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
    await lock?.release();
  }
  const ordered = selected.map((id) => results.get(id)).filter((r): r is TaskResult => r !== undefined);
  const totals = totalsOf(ordered, Date.now() - started);
  emit({ type: 'run:end', totals, interrupted });
  return { tasks: ordered, totals, interrupted, graph };
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
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

interface TaskEnv {
  config: ResolvedConfig;
  runDir: string;
  graph: TaskGraph;
  byStage: Map<StageName, StageTask>;
  outputHashes: Map<string, string>;
  executor: TaskExecutor;
  taskModule: string;
  cache?: LocalCache;
  signal?: AbortSignal;
  emit: (event: RunEvent) => void;
  options: RunGraphOptions;
  workers: Semaphore;
  heavy: Semaphore;
}

/** Runs one task. Slots it takes are pushed on `releases`; the caller frees them after reporting the task's end. */
async function processTask(
  node: TaskNode,
  task: StageTask,
  env: TaskEnv,
  releases: (() => void)[],
): Promise<TaskResult> {
  // Reset when the task really starts, so time spent waiting for a slot is not counted as its duration.
  let started = Date.now();
  const brief = env.graph.briefs.get(node.brief) as BriefRef;
  const briefDir = join(env.runDir, 'briefs', brief.name);
  const usesDirs = Object.fromEntries(
    brief.uses.filter((name) => env.graph.briefs.has(name)).map((name) => [name, join(env.runDir, 'briefs', name)]),
  );
  const base = { config: env.config, brief, inputDir: briefDir, usesDirs };
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
  try {
    await mkdir(briefDir, { recursive: true });
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
    const hash = computeTaskHash({ stage: node.stage, upstream, uses, parts: await task.inputs(base) });
    result.hash = hash;
    const start = (reset: boolean) => {
      if (reset) started = Date.now();
      env.emit({ type: 'task:start', id: node.id, brief: node.brief, stage: node.stage, hash });
    };
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });

    const useCache = env.cache !== undefined && task.cacheable;
    const hit = useCache ? await env.cache?.restore(hash, outDir) : undefined;
    let files = hit?.files;
    if (hit) {
      start(false);
      result.status = 'cached';
      result.cache = 'local';
      result.savedMs = hit.durationMs;
      result.terminalOutput = hit.terminalOutput;
    } else {
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
            { taskModule: env.taskModule, stage: node.stage, ctx: { ...base, outDir } },
            env.signal,
          );
        } catch (error) {
          if (env.signal?.aborted) throw new Error('interrupted');
          // The worker died under the task (uncaught error, out of memory): a failure of this task only.
          response = {
            ok: false,
            terminalOutput: '',
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
      if (!final.ok) {
        if (task.publishOnFailure && env.options.publish !== false) {
          // e.g. verify's report: the user needs to read why it failed; it is never cached.
          await publishOutputs(task, {
            config: env.config,
            brief,
            sourceDir: outDir,
            targetDir: briefOutDir(env.config, brief.name),
          }).catch(() => undefined);
        }
        return fail(Object.assign(new Error(final.error.message), { ...final.error }));
      }
      if (useCache && env.cache) {
        ({ files } = await env.cache.put(outDir, {
          taskId: node.id,
          hash,
          terminalOutput: final.terminalOutput,
          durationMs: Date.now() - runStarted,
          qlfVersion: qlfVersion(),
        }));
      }
      result.status = 'success';
    }
    result.outputHash = digestFiles(files ?? (await hashTree(outDir)));
    if (env.options.publish !== false) {
      await publishOutputs(task, {
        config: env.config,
        brief,
        sourceDir: outDir,
        targetDir: briefOutDir(env.config, brief.name),
      });
    }
    await cp(outDir, briefDir, { recursive: true, force: true });
    result.durationMs = Date.now() - started;
    return result;
  } catch (error) {
    return fail(env.signal?.aborted ? new Error('interrupted') : error);
  } finally {
    await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
