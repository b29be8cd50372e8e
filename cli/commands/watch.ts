// `qlf watch`: runs the task graph once, then re-runs exactly what a saved brief, overlay, config file or file of a
// working copy affects (debounced), printing each run; errors are printed and the watch goes on. Ctrl-C stops it.

import { existsSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import picomatch from 'picomatch';
import { inputError, isQlfError } from '../../core/errors.js';
import { LOCK_FILE, NEVER_SHIPPED_DIRS, neverShipped } from '../../core/never-shipped.js';
import { isOwnWrite } from '../../core/own-writes.js';
import { signalDescendants } from '../../core/process-tree.js';
import { briefsAffectedBy, discoverBriefs, isOverlayFile, type RunResult, runGraph } from '../../graph/index.js';
import { isStageName, STAGES, type StageName } from '../../graph/stages.js';
import { recordRun } from '../../observability/audit/index.js';
import { checkReadiness } from '../../observability/health/readiness.js';
import { type HealthServer, startHealthServer } from '../../observability/health/server.js';
import { RunCollector } from '../../observability/metrics/collector.js';
import { createMetricsRegistry, type QlfMetrics } from '../../observability/metrics/registry.js';
import { builtinOverlayDir } from '../../overlays/lib/builtin-overlay-dir.js';
import { isBriefFile } from '../../workspace/briefs.js';
import { loadConfig, type ResolvedConfig } from '../../workspace/config.js';
import { serviceDirOf } from '../../workspace/working-copy.js';
import { commonOptions, defineCommand } from '../command.js';
import { formatError, type Output } from '../output.js';
import { createProgress, formatSummary } from './run-progress.js';

/** Quiet time after the last save before a run starts: editors write a file in several steps. */
const DEBOUNCE_MS = 100;
const ALWAYS_IGNORED = ['node_modules', '.git', '.nx', '.qlf'];

const posix = (path: string) => path.split(sep).join('/');

/** Where to watch: the fixed part of each brief glob, the overlay folders and the config file (working copies too). */
function watchRoots(config: ResolvedConfig): string[] {
  const bases = config.briefs.map((glob) => resolve(config.root, picomatch.scan(glob).base || '.'));
  return [
    ...new Set([
      ...bases,
      ...config.overlays.dirs,
      builtinOverlayDir(),
      ...(config.configFile ? [config.configFile] : []),
    ]),
  ];
}

interface WatchSession {
  config: ResolvedConfig;
  stage?: StageName;
  out: Output;
  signal: AbortSignal;
  /** What every run feeds, when `--metrics-port` serves it. */
  metrics?: QlfMetrics;
}

/** `--metrics-port`: a port number, 0 for any free one. */
function metricsPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw inputError('E_USAGE', `--metrics-port ${JSON.stringify(value)} is not a port number`, {
      hint: 'Pass a number from 0 to 65535, e.g. --metrics-port 9464 (0 picks a free port).',
    });
  }
  return port;
}

/** Serves `/metrics`, `/healthz` and `/readyz` for the life of the watch. */
async function startMetricsServer(metrics: QlfMetrics, port: number, host: string, cwd: string): Promise<HealthServer> {
  try {
    return await startHealthServer({
      registry: metrics.registry,
      readiness: () => checkReadiness({ loadConfig: () => loadConfig(cwd) }),
      host,
      port,
    });
  } catch (error) {
    throw inputError('E_METRICS_LISTEN', `cannot serve metrics on ${host}:${port}: ${(error as Error).message}`, {
      hint: 'Pick a free port with --metrics-port (0 picks one), or another address with --metrics-host.',
    });
  }
}

/** One run of the graph over `only` (all briefs when undefined); prints tasks that ran and a summary. */
async function runOnce(session: WatchSession, only: string[] | undefined, reason: string): Promise<void> {
  const { out, config } = session;
  out.print(out.style.bold(`qlf watch: ${reason}`));
  const progress = createProgress(out, { live: false, write: out.print });
  const collector = session.metrics ? new RunCollector(session.metrics, { config }) : undefined;
  const startedAt = new Date();
  let result: RunResult | undefined;
  let failure: unknown;
  try {
    result = await runGraph({
      config,
      only,
      stage: session.stage,
      continue: true,
      signal: session.signal,
      onEvent: (event) => {
        collector?.onEvent(event);
        // Cache hits are what did not change: count them, print only the work.
        if (event.type === 'task:end' && event.result.status === 'cached') return;
        progress.onEvent(event);
      },
    });
    progress.stop();
    out.print(formatSummary(result.totals, out, result.interrupted));
  } catch (error) {
    failure = error;
    progress.stop();
    out.print(describeError(error, out));
  } finally {
    await collector?.finish();
    // Each cycle is a run of its own in the audit log.
    await recordRun({
      config,
      command: 'watch',
      startedAt,
      ...(result ? { result } : {}),
      ...(failure === undefined ? {} : { error: failure }),
      warn: out.info,
    });
  }
}

/** Any error as text: the watch prints it and goes on waiting. */
function describeError(error: unknown, out: Output): string {
  return isQlfError(error) ? formatError(error, out) : `error E_INTERNAL: ${(error as Error)?.stack ?? String(error)}`;
}

export default defineCommand({
  name: 'watch',
  summary: 'Re-run the affected tasks whenever a brief, overlay or the config is saved',
  usage: 'watch [options]',
  details: [
    'Runs every brief once, then watches the briefs (config `briefs`), the overlay folders and the config file.',
    'A save re-runs only the briefs it affects (and the briefs that use them); errors are printed and watching',
    'goes on. Briefs added or deleted while watching are picked up. Ctrl-C stops.',
    '',
    'With --metrics-port, serves Prometheus metrics of every run at /metrics, liveness at /healthz and readiness',
    '(config, cache folder, remote cache, model keys) at /readyz; see docs/observability.md.',
    '',
    'Examples:',
    '  qlf watch --stage generate',
    '  qlf watch --metrics-port 9464',
  ].join('\n'),
  options: {
    stage: { type: 'string', description: `Run stages up to this one (${STAGES.join(', ')}).`, valueName: 'stage' },
    'metrics-port': {
      type: 'string',
      description: 'Serve /metrics, /healthz and /readyz on this port while watching (0: a free port).',
      valueName: 'port',
    },
    'metrics-host': {
      type: 'string',
      description: 'Address the metrics server listens on. Default: 127.0.0.1.',
      valueName: 'host',
    },
    verbose: commonOptions.verbose,
  },
  positionals: false,
  async run({ values, out, cwd }) {
    if (values.stage !== undefined && !isStageName(values.stage)) {
      throw inputError('E_USAGE', `--stage ${JSON.stringify(values.stage)} is not a stage`, {
        hint: `Use one of: ${STAGES.join(', ')}.`,
      });
    }
    const stage = values.stage as StageName | undefined;
    if (values['metrics-host'] !== undefined && values['metrics-port'] === undefined) {
      throw inputError('E_USAGE', '--metrics-host only makes sense with --metrics-port', {
        hint: 'Add --metrics-port.',
      });
    }
    const port = values['metrics-port'] === undefined ? undefined : metricsPort(values['metrics-port']);
    const controller = new AbortController();
    const session: WatchSession = { config: await loadConfig(cwd), stage, out, signal: controller.signal };
    let server: HealthServer | undefined;
    if (port !== undefined) {
      // Read once: a label set cannot change while Prometheus scrapes the same series.
      session.metrics = createMetricsRegistry({ briefLabel: session.config.observability.briefLabel });
      server = await startMetricsServer(session.metrics, port, values['metrics-host'] ?? '127.0.0.1', cwd);
      out.print(`qlf watch: metrics on ${server.url}/metrics`);
    }
    const changed = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    let watcher: FSWatcher | undefined;

    const processBatch = async (saved: string[]) => {
      if (controller.signal.aborted) return;
      // The merge's own writes into working copies are not edits (a save since then is: its stamp differs).
      const files = saved.filter((file) => !isOwnWrite(file));
      if (files.length === 0) return;
      const shown = files.map((file) => posix(relative(session.config.root, file))).join(', ');
      try {
        if (session.config.configFile && files.includes(session.config.configFile)) {
          session.config = await loadConfig(cwd);
          await restartWatcher();
          await runOnce(session, undefined, `config changed (${shown}): running every brief`);
          return;
        }
        const briefs = await discoverBriefs(session.config);
        const only = await briefsAffectedBy(session.config, briefs, files);
        const removed = files.filter((file) => isBriefFile(session.config, file) && !existsSync(file));
        for (const file of removed) out.print(`qlf watch: ${posix(relative(session.config.root, file))} was removed`);
        if (only.length === 0) {
          if (removed.length === 0) out.print(`qlf watch: ${shown} changed; no brief is affected`);
        } else {
          await runOnce(session, only, `${shown} changed: running ${only.join(', ')}`);
        }
      } catch (error) {
        out.print(describeError(error, out));
      }
      out.print('qlf watch: waiting for changes (Ctrl-C to stop)');
    };

    const schedule = (file: string) => {
      changed.add(resolve(file));
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const files = [...changed].sort();
        changed.clear();
        running = running.then(() => processBatch(files));
      }, DEBOUNCE_MS);
    };

    async function restartWatcher() {
      await watcher?.close();
      const { config } = session;
      const outRel = posix(relative(config.root, config.outDir));
      const services = (await discoverBriefs(config).catch(() => [])).flatMap((brief) => {
        try {
          return [serviceDirOf(config, brief.file)];
        } catch {
          return []; // a bad generate.serviceDir is reported by the run
        }
      });
      const inService = (file: string) => services.some((dir) => file.startsWith(`${dir}${sep}`));
      watcher = watch([...new Set([...watchRoots(config), ...services])], {
        ignoreInitial: true,
        ignored: (path) => {
          const rel = posix(relative(config.root, path));
          const first = rel.split('/')[0] ?? '';
          if (ALWAYS_IGNORED.includes(first) || rel === outRel || rel.startsWith(`${outRel}/`)) return true;
          // Caches and virtualenvs inside a working copy never ship: saving there changes nothing qlf reads.
          return rel.split('/').some((part) => NEVER_SHIPPED_DIRS.has(part));
        },
      });
      const relevant = (file: string) =>
        isBriefFile(config, resolve(file)) ||
        isOverlayFile(config, resolve(file)) ||
        resolve(file) === config.configFile ||
        (inService(resolve(file)) && basename(file) !== LOCK_FILE && !neverShipped(basename(file), false));
      for (const event of ['add', 'change', 'unlink'] as const) {
        watcher.on(event, (file) => {
          if (relevant(file)) schedule(file);
        });
      }
      watcher.on('error', (error) => out.info(`qlf watch: watcher error: ${(error as Error).message}`));
      await new Promise<void>((done) => watcher?.once('ready', () => done()));
    }

    const stopped = new Promise<void>((done) => {
      const stop = () => {
        out.print('qlf watch: stopping');
        // Child processes of running tasks (pytest, uvicorn) outlive their worker threads unless stopped here.
        signalDescendants('SIGTERM');
        controller.abort();
        done();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

    try {
      await restartWatcher();
      running = runOnce(session, undefined, 'initial run').then(() =>
        out.print('qlf watch: waiting for changes (Ctrl-C to stop)'),
      );
      await stopped;
      if (timer) clearTimeout(timer);
      await watcher?.close();
      await running.catch(() => undefined);
      return 0;
    } finally {
      await server?.close();
    }
  },
});
