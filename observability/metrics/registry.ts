// A prom-client registry holding every metric of `definitions.ts`, one per process or command (never prom-client's
// global registry), so tests and a long `qlf watch` each count on their own.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, type MetricDefinition, type MetricType } from './definitions.js';

type NameOf<T extends MetricType> = Extract<(typeof METRICS)[number], { type: T }>['name'];

/** The metrics that gain a `brief` label when `observability.briefLabel` is set. */
export const BRIEF_LABELLED: ReadonlySet<string> = new Set(['qlf_tasks_total', 'qlf_task_duration_seconds']);

export interface QlfMetrics {
  readonly registry: Registry;
  /** Whether task metrics carry a `brief` label. */
  readonly briefLabel: boolean;
  counter(name: NameOf<'counter'>): Counter<string>;
  histogram(name: NameOf<'histogram'>): Histogram<string>;
  gauge(name: NameOf<'gauge'>): Gauge<string>;
}

export interface MetricsRegistryOptions {
  /** Add a `brief` label to `qlf_tasks_total` and `qlf_task_duration_seconds`. @default false */
  briefLabel?: boolean;
}

function createMetric(definition: MetricDefinition, registry: Registry, briefLabel: boolean) {
  const labelNames = [...definition.labels, ...(briefLabel && BRIEF_LABELLED.has(definition.name) ? ['brief'] : [])];
  const common = { name: definition.name, help: definition.help, labelNames, registers: [registry] };
  switch (definition.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge': {
      const gauge = new Gauge(common);
      // prom-client starts a label-less gauge at 0; ours have no value until something is known (no LLM: no budget).
      gauge.remove({});
      return gauge;
    }
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] });
  }
}

/** A fresh registry with every qlf metric registered (and no Node.js process metrics: see docs/observability.md). */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): QlfMetrics {
  const registry = new Registry();
  const briefLabel = options.briefLabel ?? false;
  const metrics = new Map<string, Counter<string> | Gauge<string> | Histogram<string>>();
  for (const definition of METRICS as readonly MetricDefinition[]) {
    metrics.set(definition.name, createMetric(definition, registry, briefLabel));
  }
  // biome-ignore lint/suspicious/noExplicitAny: any prom-client metric class
  const get = <T>(name: string, type: abstract new (...args: any[]) => T): T => {
    const metric = metrics.get(name);
    if (!(metric instanceof type)) throw new Error(`${name} is not a registered ${type.name.toLowerCase()}`);
    return metric;
  };
  return {
    registry,
    briefLabel,
    counter: (name) => get(name, Counter) as Counter<string>,
    histogram: (name) => get(name, Histogram) as Histogram<string>,
    gauge: (name) => get(name, Gauge) as Gauge<string>,
  };
}
