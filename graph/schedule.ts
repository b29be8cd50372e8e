// The scheduler of a graph run: starts each selected task once its dependencies finished, at most `inFlight` at once,
// skips the dependents of a failure, and stops starting tasks on an interrupt (or, with `bail`, a failure).
import type { TaskResult } from './events.js';
import type { TaskGraph, TaskNode } from './task-graph.js';

export interface ScheduleOptions {
  graph: TaskGraph;
  /** Tasks started and not finished at most. */
  inFlight: number;
  /** Stop starting tasks after the first failure. */
  bail: boolean;
  signal?: AbortSignal;
  /** Runs one task; slots it takes go on `releases`, freed after its result was reported. Never rejects. */
  run(node: TaskNode, releases: (() => void)[]): Promise<TaskResult>;
}

/** The result of a task that never ran. */
export function skipped(node: TaskNode, reason: string): TaskResult {
  return {
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
  };
}

/**
 * Runs the `selected` tasks (in topological order) as their dependencies finish and reports each result through
 * `finish`; returns whether the run was interrupted. Event-driven: a task's end releases its dependents, so scheduling
 * costs the same per task however many tasks wait. Hashing and cache restores are I/O: many may be in flight; running
 * a task takes a worker slot (a heavy slot for heavy stages), so a warm run is not throttled to the worker count.
 */
export async function schedule(
  selected: readonly string[],
  options: ScheduleOptions,
  finish: (result: TaskResult) => void,
): Promise<boolean> {
  const { graph, signal } = options;
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const order = new Map(selected.map((id, index) => [id, index]));
  // Tasks not started yet, with how many of their selected dependencies have not finished.
  const waiting = new Map(
    selected.map((id) => [id, (graph.dependencies.get(id) ?? []).filter((dep) => order.has(dep)).length]),
  );
  // Ready tasks, kept in topological order so they start in a stable order.
  const ready = selected.filter((id) => waiting.get(id) === 0);
  const makeReady = (id: string) => {
    const at = order.get(id) as number;
    let low = 0;
    let high = ready.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((order.get(ready[mid] as string) as number) < at) low = mid + 1;
      else high = mid;
    }
    ready.splice(low, 0, id);
  };
  const failedRoot = new Map<string, string>();
  const settle = (result: TaskResult) => {
    finish(result);
    const bad = result.status === 'failed' || result.status === 'skipped';
    if (bad) failedRoot.set(result.id, failedRoot.get(result.id) ?? result.id);
    for (const dependent of graph.dependents.get(result.id) ?? []) {
      const left = waiting.get(dependent);
      if (left === undefined) continue; // not selected, already started, or already skipped
      if (bad) {
        waiting.delete(dependent);
        const root = failedRoot.get(result.id) as string;
        failedRoot.set(dependent, root);
        settle(skipped(nodes.get(dependent) as TaskNode, `skipped because ${root} failed`));
      } else {
        waiting.set(dependent, left - 1);
        if (left === 1) makeReady(dependent);
      }
    }
  };

  const inFlight = options.inFlight;
  const running = new Set<string>();
  let firstFailure: string | undefined;
  let interrupted = false;
  let broken: { error: unknown } | undefined;
  const bail = options.bail;
  let wake = () => {};
  const onAbort = () => wake();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) interrupted = true;
      const stopStarting = interrupted || (bail && firstFailure !== undefined);
      while (!stopStarting && running.size < inFlight && ready.length > 0) {
        const id = ready.shift() as string;
        waiting.delete(id);
        const node = nodes.get(id) as TaskNode;
        const releases: (() => void)[] = [];
        running.add(id);
        options
          .run(node, releases)
          .then((result) => {
            if (result.status === 'failed') firstFailure ??= id;
            settle(result);
          })
          .catch((error: unknown) => {
            // Only a throwing event listener gets here (`run` reports task failures); stop like an interrupt would.
            broken ??= { error };
            interrupted = true;
          })
          .finally(() => {
            for (const release of releases) release();
            running.delete(id);
            wake();
          });
      }
      if (running.size === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (broken) throw broken.error;
  for (const id of waiting.keys()) {
    finish(
      skipped(
        nodes.get(id) as TaskNode,
        interrupted ? 'skipped: the run was interrupted' : `skipped: the run stopped after ${firstFailure} failed`,
      ),
    );
  }
  return interrupted;
}
