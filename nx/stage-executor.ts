// The shared body of qlf's Nx executors: validate the options, load the workspace config, run ONE stage for ONE brief
// through the engine's `runStage` (Nx does the caching), print what the stage printed, and report `{ success }`.
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { z } from 'zod';
import { createOutput, formatError } from '../cli/output.js';
import { inputError, isQlfError } from '../core/errors.js';
import { zodIssues } from '../core/zod-issues.js';
import { runStage } from '../graph/run-stage.js';
import type { StageName } from '../graph/stages.js';
import { executorOptionsSchemas } from '../schemas/executor-options.js';
import { loadConfig, type ResolvedConfig } from '../workspace/config.js';

type Options<S extends StageName> = z.output<(typeof executorOptionsSchemas)[S]>;

/** Option overrides a stage applies to the loaded config (e.g. verify's `strict`). */
export type ConfigOverride<S extends StageName> = (config: ResolvedConfig, options: Options<S>) => void;

/** The `strict` option of verify, build and package: overrides `verify.strict` (one switch for skipped safeguards). */
export function strictOverride(config: ResolvedConfig, options: { strict?: boolean }): void {
  if (options.strict !== undefined) config.verify.strict = options.strict;
}

/** Work after the stage, with the stage's options and the workspace config (deploy applies what it rendered). */
export type AfterStage<S extends StageName> = (input: {
  config: ResolvedConfig;
  options: Options<S>;
  /** The brief's name, as the stage read it. */
  brief: string;
  root: string;
  print: (line: string) => void;
}) => Promise<void>;

/** An Nx executor for `stage`: thin on purpose, so Nx and `qlf run` do the same work. */
export function createStageExecutor<S extends StageName>(
  stage: S,
  override?: ConfigOverride<S>,
  after?: AfterStage<S>,
) {
  return async function qlfStageExecutor(raw: unknown, context: ExecutorContext): Promise<{ success: boolean }> {
    const out = createOutput();
    try {
      const parsed = executorOptionsSchemas[stage].safeParse(raw ?? {});
      if (!parsed.success) {
        throw inputError('E_EXECUTOR_OPTIONS', `invalid options for qlf:${stage}`, {
          issues: zodIssues(parsed.error, { code: 'E_EXECUTOR_OPTIONS' }),
        });
      }
      const options = parsed.data as Options<S>;
      const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
      if (!options.brief && !project) {
        throw inputError('E_EXECUTOR_PROJECT', `qlf:${stage} ran without a project`, {
          hint: 'Run it as a project target (`nx run <brief>:<stage>`) or pass the `brief` option.',
        });
      }
      const briefFile = join(context.root, options.brief ?? join(project?.root ?? '', 'brief.qlf.yaml'));
      const config = await loadConfig(context.root);
      override?.(config, options);
      const result = await runStage({ config, briefFile, stage });
      if (result.terminalOutput) out.print(result.terminalOutput);
      await after?.({ config, options, brief: result.brief, root: context.root, print: (line) => out.print(line) });
      return { success: true };
    } catch (error) {
      const printed = (error as { terminalOutput?: unknown })?.terminalOutput;
      if (typeof printed === 'string' && printed !== '') out.print(printed);
      out.info(isQlfError(error) ? formatError(error, out) : `error E_INTERNAL: ${(error as Error)?.stack ?? error}`);
      return { success: false };
    }
  };
}
