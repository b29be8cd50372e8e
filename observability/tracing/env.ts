// Whether traces are exported: only when an OTLP endpoint is configured. Without one, qlf never loads the trace SDK
// and every span goes to the OpenTelemetry API's no-op tracer.

/** The variables that switch tracing on; either one names where the OTLP/HTTP exporter posts spans. */
export const TRACE_ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const;

/** True when an OTLP endpoint is set (and `OTEL_SDK_DISABLED` is not `true`). */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return TRACE_ENDPOINT_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
}
