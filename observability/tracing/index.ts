// Traces of qlf runs: spans via the OpenTelemetry API, exported over OTLP/HTTP only when an endpoint is configured.
export { TRACE_ENDPOINT_VARIABLES, tracingConfigured } from './env.js';
export type { TraceCarrier } from './propagation.js';
export { extractTraceContext, injectTraceContext } from './propagation.js';
export type { TracingThread } from './provider.js';
export { flushTracing, shutdownTracing, startTracing, traceSdkLoaded } from './provider.js';
export { inSpan, qlfTracer, recordFailure, startSpan } from './spans.js';
export { runWithRemoteParent } from './worker-context.js';
