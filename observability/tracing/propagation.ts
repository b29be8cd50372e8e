// Carries a span's context across the thread boundary: the main thread writes the active context into the task's
// message as W3C trace-context headers (`traceparent`, `tracestate`), the worker reads its parent back from them.
import type { Context } from '@opentelemetry/api';
import { tracingApi } from './api.js';

/** W3C trace-context headers, plain strings so they cross into a worker thread in a structured clone. */
export type TraceCarrier = Record<string, string>;

/** The active context as headers; undefined when nothing is traced (tracing off, or no span active). */
export function injectTraceContext(active?: Context): TraceCarrier | undefined {
  const api = tracingApi();
  if (!api) return undefined;
  const carrier: TraceCarrier = {};
  api.propagation.inject(active ?? api.context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The context a carrier describes, to parent spans on; undefined while tracing is off in this thread. */
export function extractTraceContext(carrier: TraceCarrier): Context | undefined {
  const api = tracingApi();
  return api?.propagation.extract(api.ROOT_CONTEXT, carrier);
}
