// The OpenTelemetry API, loaded only when tracing is switched on: a run without an OTLP endpoint never imports it
// (about 30 ms a run), and every span helper then takes a path of plain function calls.
import type * as OtelApi from '@opentelemetry/api';

export type TracingApi = typeof OtelApi;

let loaded: TracingApi | undefined;

/** Imports the API (once); only `startTracing` calls it, and only when tracing is configured. */
export async function loadTracingApi(): Promise<TracingApi> {
  loaded ??= await import('@opentelemetry/api');
  return loaded;
}

/** The API when tracing was started in this thread, else undefined. */
export function tracingApi(): TracingApi | undefined {
  return loaded;
}
