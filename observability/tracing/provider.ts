// Starts the trace SDK for this thread (the CLI's main thread, or a pool worker) when tracing is configured: a Node
// tracer provider exporting over OTLP/HTTP, registered with the API together with the W3C trace-context propagator
// and an AsyncLocalStorage context manager. The SDK is imported here only, dynamically, and only when switched on.
import { qlfVersion } from '../../core/package-info.js';
import { loadTracingApi } from './api.js';
import { tracingConfigured } from './env.js';

/** The part of the SDK's provider qlf calls. */
interface StartedProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Which thread a provider runs in, recorded on the resource (`qlf.thread`). */
export type TracingThread = 'main' | 'worker';

let started: Promise<StartedProvider | undefined> | undefined;
let sdkLoaded = false;

/**
 * Starts tracing once per thread; resolves to false when it is off (no endpoint configured), and then loads nothing.
 * Calling it again returns the first call's outcome.
 */
export async function startTracing(thread: TracingThread, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  // A provider that cannot start (a broken install) leaves tracing off: traces never fail a command.
  started ??= tracingConfigured(env) ? loadProvider(thread, env).catch(() => undefined) : Promise.resolve(undefined);
  return (await started) !== undefined;
}

async function loadProvider(thread: TracingThread, env: NodeJS.ProcessEnv): Promise<StartedProvider> {
  sdkLoaded = true;
  // The API first: the span helpers stay inert until it is loaded, and the SDK registers itself with it.
  await loadTracingApi();
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME?.trim() || 'qlf',
      'service.version': qlfVersion(),
      'qlf.thread': thread,
    }),
    // The exporter reads the endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables itself.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return provider;
}

/** Exports every ended span now (a worker calls it before replying, so its spans are out before the run ends). */
export async function flushTracing(): Promise<void> {
  const provider = await started;
  await provider?.forceFlush().catch(() => undefined);
}

/** Flushes and stops the provider; the CLI calls it when a command ends. Exporting never fails the command. */
export async function shutdownTracing(): Promise<void> {
  const provider = await started;
  await provider?.shutdown().catch(() => undefined);
}

/** Whether this thread imported the trace SDK (false for every run without an OTLP endpoint). */
export function traceSdkLoaded(): boolean {
  return sdkLoaded;
}
