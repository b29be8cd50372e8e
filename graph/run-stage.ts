// Runs ONE stage for ONE brief without qlf's cache (the Nx executors call this; Nx caches): upstream outputs are read
// from the published `<outDir>/<name>/`, and this stage's outputs are published there atomically.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../core/config.js';
import { inputError, workError } from '../core/errors.js';
import { readBriefRef } from './discover-briefs.js';
import { executeTask, loadStageTasks } from './execute-task.js';
import { defaultTaskModule } from './executors.js';
import { briefOutDir, publishOutputs } from './publish.js';
import type { StageTask } from './stage-task.js';
import type { StageName } from './stages.js';

export interface RunStageOptions {
  config: ResolvedConfig;
  /** The brief file (absolute, or relative to the workspace root). */
  briefFile: string;
  stage: StageName;
  /** Stage tasks to pick from. @default the registered stage tasks */
  stageTasks?: StageTask[];
}

export interface RunStageResult {
  brief: string;
  stage: StageName;
  /** Where the outputs were published (`<outDir>/<name>`). */
  outDir: string;
  terminalOutput: string;
  durationMs: number;
}

/** Runs the stage; a failing stage throws a QlfError (`E_TASK_FAILED` or the stage's own code). */
export async function runStage(options: RunStageOptions): Promise<RunStageResult> {
  const started = Date.now();
  const { config } = options;
  const tasks = options.stageTasks ?? (await loadStageTasks(defaultTaskModule('inline')));
  const task = tasks.find((t) => t.stage === options.stage);
  if (!task) {
    throw inputError('E_STAGE_UNKNOWN', `stage "${options.stage}" has no task yet`, {
      hint: `Use one of: ${tasks.map((t) => t.stage).join(', ')}.`,
    });
  }
  const brief = await readBriefRef(resolve(config.root, options.briefFile), config.root);
  const published = briefOutDir(config, brief.name);
  const usesDirs = Object.fromEntries(brief.uses.map((name) => [name, briefOutDir(config, name)]));
  const outDir = join(config.root, '.qlf', 'tmp', `stage-${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(outDir, { recursive: true });
  try {
    const response = await executeTask(
      { taskModule: '', stage: task.stage, ctx: { config, brief, inputDir: published, usesDirs, outDir } },
      [task],
    );
    if (response.ok || task.publishOnFailure) {
      await publishOutputs(task, { config, brief, sourceDir: outDir, targetDir: published });
    }
    if (!response.ok) {
      const error = response.error;
      if (error.kind === 'input') throw inputError(error.code ?? 'E_TASK_FAILED', error.message, { hint: error.hint });
      throw workError(error.code ?? 'E_TASK_FAILED', `${brief.name}:${task.stage} failed: ${error.message}`, {
        hint: error.hint,
      });
    }
    return {
      brief: brief.name,
      stage: task.stage,
      outDir: published,
      terminalOutput: response.terminalOutput,
      durationMs: Date.now() - started,
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
