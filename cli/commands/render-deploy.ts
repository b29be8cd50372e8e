// What `qlf deploy` and `qlf preview` share: the options that pick the cluster, and what they do first (run the task
// graph through the `deploy` stage, cached rendering, with the run's progress lines; stop with the run's summary when a
// task failed).

import type { TaskResult } from '../../graph/events.js';
import { runGraph } from '../../graph/run-graph.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { OptionSpec } from '../command.js';
import type { Output } from '../output.js';
import { createProgress, formatSummary } from './run-progress.js';

/** The options that pick the cluster, for every command that talks to one. */
export const clusterOptions = {
  kubeconfig: {
    type: 'string',
    description: 'Kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster).',
    valueName: 'file',
  },
  context: { type: 'string', description: 'Kubeconfig context (default: its current-context).', valueName: 'name' },
} as const satisfies Record<string, OptionSpec>;

export interface RenderDeployOptions {
  config: ResolvedConfig;
  cwd: string;
  out: Output;
  /** Brief files or folders (`qlf deploy` paths), or brief names (`only`). */
  paths?: string[];
  only?: string[];
  /** Progress goes to stderr, keeping stdout for the JSON. */
  json?: boolean;
  verbose?: boolean;
}

/** The deploy tasks of a run through the deploy stage, or undefined after printing why the run failed. */
export async function renderDeploy(options: RenderDeployOptions): Promise<TaskResult[] | undefined> {
  const { config, cwd, out } = options;
  const progress = createProgress(out, {
    live: false,
    write: options.json ? out.info : out.print,
    verbose: options.verbose,
  });
  const rendered = await runGraph({
    config,
    cwd,
    stage: 'deploy',
    ...(options.paths ? { paths: options.paths } : {}),
    ...(options.only ? { only: options.only } : {}),
    onEvent: (event) => progress.onEvent(event),
  });
  progress.stop();
  if (rendered.totals.failed > 0 || rendered.totals.skipped > 0) {
    out.print(formatSummary(rendered.totals, out, rendered.interrupted));
    return undefined;
  }
  return rendered.tasks.filter((task) => task.stage === 'deploy');
}
