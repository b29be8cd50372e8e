// The graph runner: hashes each task from its sources or its upstream outputs, serves hits from the cache, runs the
// rest in a worker pool in dependency order (heavy tasks capped), retries retryable stages, and publishes outputs.
// A hit whose outputs are already published, unchanged, skips even the restore (graph/published-state.ts): a warm
// no-op stats files and writes nothing. The wiring is here; one task is graph/process-task.ts, the order
// graph/schedule.ts.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { type CacheWriteFile, LocalCache } from '../cache/local-cache.js';
import type { RemoteCache } from '../cache/remote-cache.js';
import { remoteCacheFromConfig } from '../cache/remote-config.js';
import { sweepDeadRuns } from '../core/dead-run-sweep.js';
import { inputError } from '../core/errors.js';
import { ownerStamp } from '../core/owner-stamp.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { serviceDirOf } from '../workspace/working-copy.js';
import { discoverBriefs } from './discover-briefs.js';
import { type RunEvent, type RunTotals, type TaskResult, totalsOf } from './events.js';
import { loadStageTasks } from './execute-task.js';
import {
  builtModule,
  createInlineExecutor,
  createPoolExecutor,
  defaultTaskModule,
  type TaskExecutor,
} from './executors.js';
import { processTask, type TaskEnv } from './process-task.js';
import { PublishedState } from './published-state.js';
import { RemoteSharing } from './remote-sharing.js';
import { acquireRunLock } from './run-lock.js';
import { schedule } from './schedule.js';
import { Semaphore } from './semaphore.js';
import type { RunOnce, StageTask } from './stage-task.js';
import { STAGES, type StageName } from './stages.js';
import { buildTaskGraph, type TaskGraph, type TaskNode, taskId, topologicalOrder } from './task-graph.js';
import { traceRun, traceSkipped, traceTask } from './trace-run.js';

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
  /**
   * The remote cache shared between machines; `false` for none. Used only with the local cache.
   * @default from `cache.remote` in the config and the `QLF_REMOTE_CACHE_*` variables
   */
  remoteCache?: RemoteCache | false;
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

/**
 * Runs with at least this many tasks check published records in a second thread too: below it, starting the thread
 * costs more than the stat calls it takes over. Only with the pool executor, which runs from the built files.
 */
const CHECK_AHEAD_MIN_TASKS = 200;

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
  const all = await discoverBriefs(config, { index: true });
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

/** The working copies of every brief in the graph (a brief whose folder setting is bad has none to sweep). */
function workingCopies(config: ResolvedConfig, graph: TaskGraph): string[] {
  return [...graph.briefs.values()].flatMap((brief) => {
    try {
      return [serviceDirOf(config, brief.file)];
    } catch {
      return [];
    }
  });
}

function runOnce(): RunOnce {
  const memo = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let pending = memo.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = compute();
      memo.set(key, pending);
    }
    return pending;
  };
}

/** Runs the graph inside a `qlf.run` span (graph/trace-run.ts); each task gets a child span. */
export function runGraph(options: RunGraphOptions): Promise<RunResult> {
  return traceRun({ stage: options.stage }, () => runTasks(options));
}

async function runTasks(options: RunGraphOptions): Promise<RunResult> {
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

  const remoteCache =
    cache && options.remoteCache !== false ? (options.remoteCache ?? remoteCacheFromConfig(config)) : undefined;
  const remote =
    remoteCache && cache
      ? new RemoteSharing(remoteCache, cache, (w) => emit({ type: 'run:warning', ...w }), signal)
      : undefined;

  const lock =
    options.lock === false
      ? undefined
      : await acquireRunLock(join(config.root, '.qlf', 'run.lock'), {
          signal,
          onWait: (holder) => emit({ type: 'run:wait-lock', holder }),
        });
  // Named for this process: a run that finds it with its owner dead knows a run was killed (core/dead-run-sweep.ts).
  const runDir = join(config.root, '.qlf', 'tmp', `run-${ownerStamp()}-${randomBytes(6).toString('hex')}`);
  // The pool starts its threads only when a task has to run, so a warm no-op never starts one.
  const executor: TaskExecutor =
    executorKind === 'inline' ? createInlineExecutor(stageTasks) : createPoolExecutor(concurrency + heavyLimit);
  const results = new Map<string, TaskResult>();
  const outputHashes = new Map<string, string>();
  const env: TaskEnv = {
    config,
    runDir,
    graph,
    byStage,
    outputHashes,
    executor,
    taskModule,
    cache,
    remote,
    published: new PublishedState(config.root, config.cacheDir),
    fromCacheLater: new Map(),
    once: runOnce(),
    materialized: new Map(),
    signal,
    emit,
    options,
    workers: new Semaphore(concurrency),
    heavy: new Semaphore(heavyLimit),
  };
  let interrupted = false;
  try {
    // What killed runs left goes first (never failing the run); this run's folder exists from the start, so a kill
    // at any point is noticed by the next run. Where it cannot be made, no task could write anything either.
    await sweepDeadRuns({
      root: config.root,
      outDir: config.outDir,
      cacheDir: config.cacheDir,
      serviceDirs: workingCopies(config, graph),
    }).catch(() => undefined);
    await mkdir(runDir, { recursive: true }).catch(() => undefined);
    if (cache && executorKind === 'pool' && selected.length >= CHECK_AHEAD_MIN_TASKS && existsSync(env.published.dir)) {
      try {
        env.published.checkAhead(
          selected.map((id) => nodes.get(id) as TaskNode),
          builtModule('published-check-worker.js'),
        );
      } catch {
        // no built worker (a run from the sources): this thread checks every record itself
      }
    }
    emit({ type: 'run:start', tasks: selected.map((id) => nodes.get(id) as TaskNode), concurrency });
    const scheduling = {
      graph,
      inFlight: Math.max(8, concurrency * 4),
      bail: options.continue === false,
      signal,
      run: (node: TaskNode, releases: (() => void)[]) =>
        traceTask(node, () => processTask(node, byStage.get(node.stage) as StageTask, env, releases)),
    };
    interrupted = await schedule(selected, scheduling, (result) => {
      results.set(result.id, result);
      if (result.outputHash) outputHashes.set(result.id, result.outputHash);
      if (result.status === 'skipped') traceSkipped(result);
      emit({ type: 'task:end', result });
    });
    // The graph holds every brief found (a narrowed run only selects some): records of any other brief are stale.
    if (!interrupted) await env.published.prune(new Set(graph.briefs.keys()));
  } finally {
    // Uploads finish before the run ends, so the next machine finds what this one built.
    await remote?.settle();
    await env.published.close();
    await executor.close().catch(() => undefined);
    await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
    await lock?.release();
  }
  const ordered = selected.map((id) => results.get(id)).filter((r): r is TaskResult => r !== undefined);
  const totals = totalsOf(ordered, Date.now() - started);
  emit({ type: 'run:end', totals, interrupted });
  return { tasks: ordered, totals, interrupted, graph };
}
