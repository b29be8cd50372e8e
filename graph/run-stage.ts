// Runs ONE stage for ONE brief without qlf's cache (the Nx executors call this; Nx caches): upstream outputs are read
// from the published `<outDir>/<name>/`, and this stage's outputs are published there atomically.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { inputError, workError } from '../core/errors.js';
import { snapshotSource } from '../core/source-tree.js';
import { readBriefRef } from '../workspace/briefs.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { serviceDirOf } from '../workspace/working-copy.js';
import { executeTask, loadStageTasks } from './execute-task.js';
import { briefOutDir, publishOutputs } from './publish.js';
import type { BriefRef, StageTask, TaskSkip } from './stage-task.js';
import { SOURCE_MANIFEST } from './stage-tasks/generate.js';
import type { StageName } from './stages.js';
import { defaultTaskModule } from './task-runners.js';

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
  /** Checks or steps the stage did not do, and why. */
  skips: TaskSkip[];
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
  const scratch = join(config.root, '.qlf', 'tmp', `stage-${process.pid}-${randomBytes(6).toString('hex')}`);
  const outDir = join(scratch, 'out');
  const snapshotDir = join(scratch, 'input');
  await mkdir(outDir, { recursive: true });
  try {
    const serviceDir = join(snapshotDir, 'service');
    if (task.reads.includes('generate')) await snapshotWorkingCopy(config, brief, serviceDir);
    const response = await executeTask(
      { taskModule: '', stage: task.stage, ctx: { config, brief, inputDir: published, usesDirs, outDir, serviceDir } },
      [task],
    );
    const said: string[] = [];
    if (response.ok || task.publishOnFailure) {
      said.push(...(await publishOutputs(task, { config, brief, sourceDir: outDir, targetDir: published })));
    }
    if (response.ok && task.snapshot) {
      await task.snapshot({ config, brief, targetDir: published, snapshotDir, outputsDir: outDir, published: true });
    }
    const terminalOutput = [response.terminalOutput, ...said].filter((line) => line !== '').join('\n');
    if (!response.ok) {
      const error = response.error;
      const failure =
        error.kind === 'input'
          ? inputError(error.code ?? 'E_TASK_FAILED', error.message, { hint: error.hint, issues: error.issues })
          : workError(error.code ?? 'E_TASK_FAILED', `${brief.name}:${task.stage} failed: ${error.message}`, {
              hint: error.hint,
            });
      // What the stage printed before it failed (verify's findings): the Nx executor shows it like `qlf run` does.
      throw Object.assign(failure, { terminalOutput });
    }
    return {
      brief: brief.name,
      stage: task.stage,
      outDir: published,
      terminalOutput,
      skips: response.skips,
      durationMs: Date.now() - started,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Copies the brief's working copy into `into` for a stage that reads it, after checking it is what generate last
 * recorded (`source.json`): the Nx hash of the stage was taken from that record, so other files must not run under it.
 */
async function snapshotWorkingCopy(config: ResolvedConfig, brief: BriefRef, into: string): Promise<void> {
  const recordFile = join(briefOutDir(config, brief.name), SOURCE_MANIFEST);
  const recorded = await readFile(recordFile, 'utf8').then(
    (text) => (JSON.parse(text) as { digest?: string }).digest,
    () => undefined,
  );
  const hint = `Run the generate stage first (\`nx run ${brief.name}:generate\` or \`qlf run --stage generate\`): it merges the brief into the working copy and records what the later stages read.`;
  if (recorded === undefined) {
    throw inputError('E_NOT_GENERATED', `${brief.name} has no recorded working copy (${recordFile})`, { hint });
  }
  const manifest = await snapshotSource(serviceDirOf(config, brief.file), into);
  if (manifest.digest !== recorded) {
    throw workError('E_SOURCE_CHANGED', `the working copy of ${brief.name} changed since generate last ran`, { hint });
  }
}
