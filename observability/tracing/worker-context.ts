// The worker side of a traced task: starts this thread's provider (only when tracing is configured), runs the task
// under the parent the main thread sent, and exports the spans before the worker replies.
import { tracingApi } from './api.js';
import { extractTraceContext, type TraceCarrier } from './propagation.js';
import { flushTracing, startTracing } from './provider.js';

/** Runs `fn` as a child of the span `carrier` names; without tracing configured it just runs `fn`. */
export async function runWithRemoteParent<T>(carrier: TraceCarrier | undefined, fn: () => Promise<T>): Promise<T> {
  if (!carrier || !(await startTracing('worker'))) return fn();
  const parent = extractTraceContext(carrier);
  const api = tracingApi();
  if (!parent || !api) return fn();
  try {
    return await api.context.with(parent, fn);
  } finally {
    await flushTracing();
  }
}
