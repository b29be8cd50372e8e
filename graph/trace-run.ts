// The spans of a graph run: one for the run, and one per task as its child carrying what the run decided about the
// task (hash, where a hit came from, status). Inert unless tracing is switched on (see observability/tracing).
import type { Span } from '@opentelemetry/api';
import { inSpan, recordFailure, startSpan } from '../observability/tracing/index.js';
import type { TaskResult } from './events.js';
import type { RunResult } from './run-options.js';
import type { TaskNode } from './task-graph.js';

/** Runs a whole graph run inside the `qlf.run` span; its attributes are the run's totals. */
export function traceRun(attributes: { stage?: string }, run: () => Promise<RunResult>): Promise<RunResult> {
  const start = attributes.stage ? { 'qlf.run.stage': attributes.stage } : {};
  return inSpan('qlf.run', start, async (span) => {
    const result = await run();
    const { totals } = result;
    span.setAttributes({
      'qlf.run.tasks': totals.tasks,
      'qlf.run.success': totals.success,
      'qlf.run.cached': totals.cached,
      'qlf.run.failed': totals.failed,
      'qlf.run.skipped': totals.skipped,
      'qlf.run.interrupted': result.interrupted,
    });
    if (totals.failed > 0) recordFailure(span, { message: `${totals.failed} task(s) failed` }, 'E_TASK_FAILED');
    return result;
  });
}

/** Runs one task inside its `qlf.task` span (the active context, so the worker's spans become its children). */
export function traceTask(node: TaskNode, run: () => Promise<TaskResult>): Promise<TaskResult> {
  return inSpan(
    'qlf.task',
    { 'qlf.task.id': node.id, 'qlf.brief': node.brief, 'qlf.stage': node.stage },
    async (span) => {
      const result = await run();
      endTask(span, result);
      return result;
    },
  );
}

/** A task the scheduler skipped (its upstream failed) never ran: it gets an empty span, so every task has one. */
export function traceSkipped(result: TaskResult): void {
  const span = startSpan('qlf.task', {
    'qlf.task.id': result.id,
    'qlf.brief': result.brief,
    'qlf.stage': result.stage,
  });
  endTask(span, result);
  span.end();
}

function endTask(span: Span, result: TaskResult): void {
  if (!span.isRecording()) return;
  span.setAttributes({
    ...(result.hash ? { 'qlf.task.hash': result.hash } : {}),
    'qlf.cache': result.cache ?? 'none',
    'qlf.status': result.status,
    'qlf.task.attempts': result.attempts,
  });
  if (result.status === 'failed') {
    recordFailure(span, { message: result.error ?? 'the task failed' }, result.errorCode ?? 'E_TASK_FAILED');
  }
}
