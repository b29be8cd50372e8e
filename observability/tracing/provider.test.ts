import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { tracingConfigured } from './env.js';
import { startTracing, traceSdkLoaded } from './provider.js';
import { runWithRemoteParent } from './worker-context.js';

describe('tracingConfigured', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }, false],
  ])('%j → %s', (env, expected) => {
    expect(tracingConfigured(env)).toBe(expected);
  });
});

describe('startTracing without an endpoint', () => {
  it('loads no SDK and leaves the API on its no-op tracer', async () => {
    expect(await startTracing('main', {})).toBe(false);
    expect(traceSdkLoaded()).toBe(false);
    const span = trace.getTracer('qlf').startSpan('anything');
    expect(span.isRecording()).toBe(false);
    span.end();
  });

  it('runs worker tasks as they are, even with a carrier', async () => {
    const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(await runWithRemoteParent(carrier, async () => 'done')).toBe('done');
    expect(traceSdkLoaded()).toBe(false);
  });
});
