// The graph runner: hashes each task from its sources or its upstream outputs, serves hits from the cache, runs the
// rest in a worker pool in dependency order (heavy tasks capped), retries retryable stages, and publishes outputs.
// A hit whose outputs are already published, unchanged, skips even the restore (graph/published-state.ts): a warm
// no-op stats files and writes nothing. The wiring is here; what to run is graph/plan-graph.ts, one task
// graph/process-task.ts, the order graph/schedule.ts.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { remoteCacheFromConfig } from '../cache/remote-config.js';
import { TaskCache } from '../cache/task-cache.js';
import { sweepDeadRuns } from '../core/dead-run-sweep.js';
import { ownerStamp } from '../core/owner-stamp.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { serviceDirOf } from '../workspace/working-copy.js';
import { builtModule } from './built-module.js';
import { type RunEvent, type TaskResult, totalsOf } from './events.js';
import { loadStageTasks } from './execute-task.js';
import { orderedStages, planGraph } from './plan-graph.js';
import { processTask } from './process-task.js';
import { PublishedState } from './published-state.js';
import { acquireRunLock } from './run-lock.js';
import type { RunGraphOptions, RunResult } from './run-options.js';
import { schedule } from './schedule.js';
import { Semaphore } from './semaphore.js';
import type { StageTask } from './stage-task.js';
import type { TaskGraph, TaskNode } from './task-graph.js';
import { createInlineRunner, createPoolRunner, defaultTaskModule, type TaskRunner } from './task-runners.js';
import { createRunOnce } from './task-steps/hash-task.js';
import type { TaskEnv } from './task-steps/task-env.js';
import { traceRun, traceSkipped, traceTask } from './trace-run.js';

/**
 * Runs with at least this many tasks check published records in a second thread too: below it, starting the thread
 * costs more than the stat calls it takes over. Only with the pool runner, which runs from the built files.
 */
const CHECK_AHEAD_MIN_TASKS = 200;

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

/** Runs the graph inside a `qlf.run` span (graph/trace-run.ts); each task gets a child span. */
export function runGraph(options: RunGraphOptions): Promise<RunResult> {
  return traceRun({ stage: options.stage }, () => runTasks(options));
}

async function runTasks(options: RunGraphOptions): Promise<RunResult> {
  const started = Date.now();
  const { config } = options;
  const runnerKind = options.runner ?? 'pool';
  const taskModule = options.taskModule ?? defaultTaskModule(runnerKind);
  const stageTasks = options.stageTasks ?? (await loadStageTasks(taskModule));
  const byStage = new Map(stageTasks.map((task) => [task.stage, task]));
  const { graph, selected } = await planGraph({ ...options, stages: orderedStages(stageTasks) });
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const concurrency = Math.max(1, options.concurrency ?? config.run.concurrency ?? Math.max(1, cpus().length - 1));
  const heavyLimit = Math.max(1, options.heavyConcurrency ?? config.run.heavyConcurrency);
  const emit = (event: RunEvent) => options.onEvent?.(event);
  const signal = options.signal;
  const cache =
    options.cache === false
      ? undefined
      : new TaskCache({
          dir: config.cacheDir,
          writeFile: options.cacheWriteFile,
          remote: options.remoteCache === false ? undefined : (options.remoteCache ?? remoteCacheFromConfig(config)),
          warn: (warning) => emit({ type: 'run:warning', ...warning }),
          signal,
        });

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
  const runner: TaskRunner =
    runnerKind === 'inline' ? createInlineRunner(stageTasks) : createPoolRunner(concurrency + heavyLimit);
  const results = new Map<string, TaskResult>();
  const outputHashes = new Map<string, string>();
  const env: TaskEnv = {
    run: { config, graph, byStage, runDir, signal, emit },
    hashes: { outputHashes, once: createRunOnce() },
    cache,
    published: new PublishedState(config.root, config.cacheDir),
    publish: options.publish !== false,
    warmHits: { fromCacheLater: new Map(), materialized: new Map() },
    pool: {
      runner,
      taskModule,
      workers: new Semaphore(concurrency),
      heavy: new Semaphore(heavyLimit),
      retries: options.retries ?? 2,
      retryBaseMs: options.retryBaseMs ?? 250,
    },
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
    if (cache && runnerKind === 'pool' && selected.length >= CHECK_AHEAD_MIN_TASKS && existsSync(env.published.dir)) {
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
    await cache?.settle();
    await env.published.close();
    await runner.close().catch(() => undefined);
    await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
    await lock?.release();
  }
  const ordered = selected.map((id) => results.get(id)).filter((r): r is TaskResult => r !== undefined);
  const totals = totalsOf(ordered, Date.now() - started);
  emit({ type: 'run:end', totals, interrupted });
  return { tasks: ordered, totals, interrupted, graph };
}
