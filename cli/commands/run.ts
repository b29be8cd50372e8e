// `qlf run`: runs the task graph (compile → generate → verify → ...) for the workspace's briefs, with caching.

import { inputError } from '../../core/errors.js';
import { signalDescendants } from '../../core/process-tree.js';
import type { TaskResult } from '../../graph/events.js';
import { runGraph } from '../../graph/run-graph.js';
import type { RunResult } from '../../graph/run-options.js';
import { isStageName, STAGES } from '../../graph/stages.js';
import { recordRun } from '../../observability/audit/record-run.js';
import type { RunMetrics } from '../../observability/metrics/run-export.js';
import { loadConfig } from '../../workspace/config.js';
import { commonOptions, defineCommand } from '../command.js';
import type { Output } from '../output.js';
import { applyModelOptions, MODEL_OPTIONS } from './model-options.js';
import { createProgress, formatSummary } from './run-progress.js';

function jsonTask(task: TaskResult) {
  return {
    id: task.id,
    brief: task.brief,
    stage: task.stage,
    hash: task.hash,
    status: task.status,
    cache: task.cache,
    durationMs: task.durationMs,
    ...(task.error === undefined ? {} : { error: task.error }),
    ...(task.errorCode === undefined ? {} : { errorCode: task.errorCode }),
    ...(task.hint === undefined ? {} : { hint: task.hint }),
    // Checks the task could not run, e.g. `{ "check": "pytest", "reason": "skipped: …" }`: never hidden in --json.
    skips: (task.skips ?? []).map(({ check, reason }) => ({ check, reason: `skipped: ${reason}` })),
    // What to review although it succeeded, e.g. a new migration that drops a column.
    ...(task.warnings ? { warnings: task.warnings } : {}),
  };
}

/** Writes and pushes the run's metrics; what failed is a warning, never a failed run. */
async function reportMetrics(metrics: RunMetrics | undefined, out: Output): Promise<void> {
  for (const warning of (await metrics?.finish()) ?? []) out.info(out.style.yellow(`⚠ ${warning}`));
}

export default defineCommand({
  name: 'run',
  summary: 'Run the task graph for briefs (cached)',
  usage: 'run [paths...] [options]',
  details: [
    'Paths are brief files or folders narrowing which briefs run (default: all); the briefs they use run too.',
    '',
    'Examples:',
    '  qlf run                         every stage of every brief',
    '  qlf run examples/shop --stage generate',
    '  qlf run --affected --base main  briefs changed since main, and their dependents',
    '  qlf run --metrics-file /var/lib/node_exporter/qlf.prom',
    '',
    'Exit code: 0 all tasks ok, 1 a task failed, 2 bad input, 130 interrupted.',
  ].join('\n'),
  options: {
    json: commonOptions.json,
    verbose: commonOptions.verbose,
    stage: { type: 'string', description: `Run stages up to this one (${STAGES.join(', ')}).`, valueName: 'stage' },
    continue: { type: 'boolean', description: 'Keep running other briefs after a task fails.' },
    affected: { type: 'boolean', description: 'Only briefs affected by changes since --base (and their dependents).' },
    base: { type: 'string', description: 'Git ref for --affected. Default: main.', valueName: 'ref' },
    'no-cache': { type: 'boolean', description: 'Neither read nor write the task cache (local or remote).' },
    'no-remote-cache': { type: 'boolean', description: 'Use the local cache only, even when a remote one is set.' },
    strict: { type: 'boolean', description: 'Verify: a skipped check (missing tool) fails.' },
    concurrency: { type: 'string', description: 'Tasks at once (default: cores - 1).', valueName: 'n' },
    'metrics-file': {
      type: 'string',
      description: "After the run, write its Prometheus metrics to this file (node_exporter's textfile format).",
      valueName: 'file',
    },
    pushgateway: {
      type: 'string',
      description: 'After the run, push its metrics to this Pushgateway (job qlf, instance = host name).',
      valueName: 'url',
    },
    ...MODEL_OPTIONS,
  },
  async run({ values, positionals, out, cwd }) {
    if (values.stage !== undefined && !isStageName(values.stage)) {
      throw inputError('E_USAGE', `--stage ${JSON.stringify(values.stage)} is not a stage`, {
        hint: `Use one of: ${STAGES.join(', ')}.`,
      });
    }
    let concurrency: number | undefined;
    if (values.concurrency !== undefined) {
      concurrency = Number(values.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw inputError('E_USAGE', `--concurrency ${JSON.stringify(values.concurrency)} is not a positive integer`, {
          hint: 'Pass a whole number of tasks, e.g. --concurrency 4.',
        });
      }
    }
    if (values.base !== undefined && !values.affected) {
      throw inputError('E_USAGE', '--base only makes sense with --affected', { hint: 'Add --affected.' });
    }
    const config = applyModelOptions(await loadConfig(cwd), values);
    if (values.strict) config.verify = { ...config.verify, strict: true };
    // Modules a run without the option never loads: git and the graph's dependents; model costs (below).
    const only = values.affected
      ? await (await import('../../graph/affected.js')).affectedBriefs({ config, base: values.base ?? 'main' })
      : undefined;
    // Loaded only when asked for: the metrics client costs a warm run about 40 ms.
    const wantsMetrics = values['metrics-file'] !== undefined || values.pushgateway !== undefined;
    const metrics = wantsMetrics
      ? (await import('../../observability/metrics/run-export.js')).createRunMetrics({
          config,
          cache: !values['no-cache'],
          file: values['metrics-file'],
          pushgateway: values.pushgateway,
          cwd,
        })
      : undefined;

    const live = out.isTTY && !process.env.CI && !values.json;
    const progress = createProgress(out, {
      live,
      write: values.json ? out.info : out.print,
      verbose: values.verbose,
    });
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        out.info('interrupted: stopping running tasks (press Ctrl-C again to quit at once)');
        // Ask the processes tasks spawned (pytest, uvicorn) to stop cleanly; their death signal would only SIGKILL them.
        signalDescendants('SIGTERM');
        controller.abort();
      } else {
        signalDescendants('SIGKILL');
        process.exit(130);
      }
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    const startedAt = new Date();
    let result: RunResult | undefined;
    let failure: unknown;
    try {
      result = await runGraph({
        config,
        paths: positionals,
        cwd,
        only,
        stage: values.stage as never,
        cache: !values['no-cache'],
        remoteCache: values['no-remote-cache'] ? false : undefined,
        continue: values.continue === true,
        concurrency,
        signal: controller.signal,
        // A module of stage tasks to run instead of the built-in ones (engine tests, stage development).
        taskModule: process.env.QLF_TASK_MODULE || undefined,
        onEvent: (event) => {
          metrics?.onEvent(event);
          // Under --json, stderr carries only what needs attention: warnings, retries and failures.
          if (values.json && event.type === 'task:end' && event.result.status !== 'failed') return;
          progress.onEvent(event);
        },
      });
      progress.stop();
      // Only a generate task that ran can have cost anything: a warm run never loads the cost reader.
      const generated = result.tasks.some((task) => task.stage === 'generate' && task.status === 'success');
      const costs = generated ? await import('./run-cost.js') : undefined;
      const cost = await costs?.runCost(result.tasks, config);
      if (values.json) {
        out.json({
          tasks: result.tasks.map(jsonTask),
          totals: result.totals,
          interrupted: result.interrupted,
          ...(cost ? { llm: cost } : {}),
        });
      } else {
        if (result.tasks.length === 0) out.print('No briefs matched: nothing to run.');
        out.print(formatSummary(result.totals, out, result.interrupted));
        for (const line of cost && costs ? costs.costLines(cost) : []) out.print(line);
      }
      if (result.interrupted) return 130;
      return result.totals.failed > 0 || result.totals.skipped > 0 ? 1 : 0;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      await reportMetrics(metrics, out);
      // Which run produced which capsule: written whatever happened, never failing the run.
      await recordRun({
        config,
        command: 'run',
        startedAt,
        ...(result ? { result } : {}),
        ...(failure === undefined ? {} : { error: failure }),
        warn: out.info,
      });
    }
  },
});
