// Metrics of one `qlf run`: collected from the run, then written as a node_exporter textfile (atomically) and/or
// pushed to a Pushgateway. Neither fails the run: what went wrong comes back as warnings for the CLI to print.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Pushgateway } from 'prom-client';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { inputError } from '../../core/errors.js';
import type { RunEvent } from '../../graph/events.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { RunCollector } from './collector.js';
import { createMetricsRegistry, type QlfMetrics } from './registry.js';

/** A push that gets no answer in this long is given up (one warning). */
const PUSH_TIMEOUT_MS = 10_000;

export interface RunMetricsOptions {
  config: ResolvedConfig;
  /** Whether the run uses the local cache. @default true */
  cache?: boolean;
  /** Textfile to write the exposition to (relative to `cwd`). */
  file?: string;
  /** Pushgateway base URL (`http://host:9091`). */
  pushgateway?: string;
  cwd: string;
}

export interface RunMetrics {
  readonly metrics: QlfMetrics;
  onEvent(event: RunEvent): void;
  /** Writes and pushes the metrics; returns the warnings (never throws). */
  finish(): Promise<string[]>;
}

/** An error as one line (a refused connection to `localhost` can be an AggregateError with no message). */
function reason(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: string; code?: string };
  return message || code || String(error);
}

/** The URL without credentials, for messages. */
function shown(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href.replace(/\/$/, '');
}

function pushgatewayUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw inputError('E_USAGE', `--pushgateway ${JSON.stringify(value)} is not an http:// or https:// URL`, {
      hint: 'Pass the Pushgateway base URL, e.g. --pushgateway http://pushgateway:9091.',
    });
  }
  return url;
}

/** Metrics for one run, or undefined when neither a file nor a Pushgateway asks for them. Bad URLs throw (exit 2). */
export function createRunMetrics(options: RunMetricsOptions): RunMetrics | undefined {
  if (options.file === undefined && options.pushgateway === undefined) return undefined;
  const gateway = options.pushgateway === undefined ? undefined : pushgatewayUrl(options.pushgateway);
  const file = options.file === undefined ? undefined : resolve(options.cwd, options.file);
  const metrics = createMetricsRegistry({ briefLabel: options.config.observability.briefLabel });
  const collector = new RunCollector(metrics, { config: options.config, cache: options.cache });
  return {
    metrics,
    onEvent: collector.onEvent,
    async finish() {
      await collector.finish();
      const warnings: string[] = [];
      if (file) {
        try {
          await writeFileAtomic(file, await metrics.registry.metrics());
        } catch (error) {
          warnings.push(`metrics not written to ${file}: ${reason(error)}`);
        }
      }
      if (gateway) {
        try {
          await pushMetrics(metrics, gateway.href);
        } catch (error) {
          warnings.push(`metrics not pushed to ${shown(gateway)}: ${reason(error)}`);
        }
      }
      return warnings;
    },
  };
}

/** Replaces the group `job="qlf", instance=<hostname>` on the Pushgateway with the registry's metrics. */
export async function pushMetrics(metrics: QlfMetrics, url: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<void> {
  const gateway = new Pushgateway(url, { timeout: timeoutMs }, metrics.registry);
  await gateway.push({ jobName: 'qlf', groupings: { instance: hostname() } });
}
