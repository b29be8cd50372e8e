// Span helpers: qlf's tracer, a span around an async step, and how a failure is recorded. With tracing off (the API
// never loaded) they hand out one inert span and cost a few function calls.
import type { Attributes, Span, SpanContext, Tracer } from '@opentelemetry/api';
import { tracingApi } from './api.js';

/** `SpanStatusCode.ERROR`, without importing the API for it. */
const STATUS_ERROR = 2;

const NO_CONTEXT: SpanContext = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 };

/** The span every helper gives out while tracing is off: records nothing. */
const INERT_SPAN: Span = {
  spanContext: () => NO_CONTEXT,
  setAttribute: () => INERT_SPAN,
  setAttributes: () => INERT_SPAN,
  addEvent: () => INERT_SPAN,
  addLink: () => INERT_SPAN,
  addLinks: () => INERT_SPAN,
  setStatus: () => INERT_SPAN,
  updateName: () => INERT_SPAN,
  end: () => undefined,
  isRecording: () => false,
  recordException: () => undefined,
};

/** The tracer every qlf span comes from, or undefined while tracing is off. */
export function qlfTracer(): Tracer | undefined {
  return tracingApi()?.trace.getTracer('qlf');
}

/** Marks `span` failed: error status with the message, the error's code as `qlf.error.code`, and the exception. */
export function recordFailure(span: Span, error: unknown, code?: string): void {
  if (!span.isRecording()) return;
  const e = error as { message?: unknown; code?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const errorCode = code ?? (typeof e?.code === 'string' ? e.code : undefined);
  span.setStatus({ code: STATUS_ERROR, message });
  if (errorCode) span.setAttribute('qlf.error.code', errorCode);
  if (error instanceof Error) span.recordException(error);
}

/**
 * Runs `fn` inside a new active span named `name`; the span ends when `fn` settles, failed when it throws (the error
 * is rethrown). `fn` may add attributes or mark a failure it returns rather than throws.
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const tracer = qlfTracer();
  if (!tracer) return fn(INERT_SPAN);
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span that is not made active (a step already over), or the inert one while tracing is off. */
export function startSpan(name: string, attributes: Attributes): Span {
  return qlfTracer()?.startSpan(name, { attributes }) ?? INERT_SPAN;
}
