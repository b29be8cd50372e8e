import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadTracingApi, tracingApi } from './api.js';
import { extractTraceContext, injectTraceContext } from './propagation.js';
import { inSpan, qlfTracer, startSpan } from './spans.js';

// The SDK as the CLI registers it (W3C propagator, AsyncLocalStorage context), exporting into memory.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const finished = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);

describe('with tracing off (the API not loaded)', () => {
  it('runs the step with an inert span, loads nothing and records nothing', async () => {
    expect(tracingApi()).toBeUndefined();
    const value = await inSpan('quiet', {}, async (span) => {
      span.setAttribute('qlf.brief', 'shop');
      return span.isRecording();
    });
    expect(value).toBe(false);
    expect(startSpan('quiet', {}).isRecording()).toBe(false);
    expect(injectTraceContext()).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('inSpan', () => {
  beforeAll(async () => {
    await loadTracingApi();
  });

  it('nests spans through awaits and ends them', async () => {
    const value = await inSpan('outer', { 'qlf.brief': 'shop' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return inSpan('inner', {}, async () => 42);
    });
    expect(value).toBe(42);
    const [outer] = finished('outer');
    const [inner] = finished('inner');
    expect(outer?.attributes).toEqual({ 'qlf.brief': 'shop' });
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
  });

  it('ends a failing step with error status and the error code, and rethrows', async () => {
    const failure = Object.assign(new Error('no such kind'), { code: 'E_DEPLOY_INVALID' });
    await expect(inSpan('step', {}, async () => Promise.reject(failure))).rejects.toBe(failure);
    const [span] = finished('step');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such kind' });
    expect(span?.attributes['qlf.error.code']).toBe('E_DEPLOY_INVALID');
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });
});

describe('trace-context propagation', () => {
  beforeAll(async () => {
    await loadTracingApi();
  });

  it('has nothing to carry outside a span', () => {
    expect(injectTraceContext()).toBeUndefined();
  });

  it('carries a span as a W3C traceparent that parents spans on the other side', async () => {
    const sent = startSpan('task', {});
    const carrier = injectTraceContext(trace.setSpan(context.active(), sent));
    const { traceId, spanId } = sent.spanContext();
    expect(carrier?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    // What a worker does with the message: a child of the task span in the same trace.
    const child = qlfTracer()!.startSpan('stage', {}, extractTraceContext(carrier ?? {}));
    child.end();
    sent.end();
    expect(child.spanContext().traceId).toBe(traceId);
    expect(finished('stage')[0]?.parentSpanContext?.spanId).toBe(spanId);
  });
});
