// The adapter between disk and a pure stage function: what a stage hashes, and how it turns input folders into outputs.
import type { ResolvedConfig } from '../workspace/config.js';
import type { StageName } from './stages.js';

/** One brief found in the workspace. */
export interface BriefRef {
  /** The brief's `name` (also its output folder and Nx project name). */
  name: string;
  /** Absolute path of the brief file. */
  file: string;
  /** Names of the briefs this one `uses`. */
  uses: string[];
}

/** What a stage task sees. Plain data, so it crosses into a worker thread unchanged. */
export interface StageTaskContext {
  config: ResolvedConfig;
  brief: BriefRef;
  /**
   * Folder laid out like `<outDir>/<name>/` holding the outputs of the stages this one reads (`ir.json`, `service/`,
   * ...). In a graph run these are the upstream tasks' own outputs; in `runStage` it is the published folder itself.
   */
  inputDir: string;
  /** Same layout for each brief named in `uses`, by name. */
  usesDirs: Record<string, string>;
  /**
   * The service files this stage reads: a snapshot of the brief's working copy taken after generate merged into it
   * (`<inputDir>/service` in a graph run). Only stages that read `generate` have one.
   */
  serviceDir: string;
  /** Fresh empty folder; the task writes its outputs here, laid out like `<outDir>/<name>/` (e.g. `verify/report.json`). */
  outDir: string;
  /** Collects terminal output shown with the task and stored in the cache manifest. */
  log(line: string): void;
  /**
   * Reports a check or step that did not run, and why; the run output and `--json` show it. Unless `keyed` (what
   * decided it is part of the task hash, e.g. which tools are on PATH), a result with a skip is never cached: another
   * run, or another machine, may be able to do it.
   */
  skip(check: string, reason: string, options?: { keyed?: boolean }): void;
}

/** A check or step a task did not do. */
export interface TaskSkip {
  check: string;
  reason: string;
  /** The task hash covers what decided the skip, so the result may be cached. */
  keyed?: boolean;
}

/**
 * Memoizes `compute` under `key` for one graph run, so work every task of a run would repeat (hashing every overlay
 * file for each compile) is done once. What it returns is a snapshot taken when the first task asked.
 */
export type RunOnce = <T>(key: string, compute: () => Promise<T>) => Promise<T>;

/** The hash parts a stage adds to its task hash (the engine adds the stage name, qlf version and upstream outputs). */
export type HashParts = (string | Uint8Array)[];

export interface StageTask {
  stage: StageName;
  /** Spawns heavy child processes (pytest, image builds): at most `run.heavyConcurrency` at once. */
  heavy: boolean;
  /** Failures may be transient (network, engine): retried with exponential backoff. */
  retryable: boolean;
  /** Whether outputs go to the local cache. */
  cacheable: boolean;
  /** Earlier stages of the same brief whose outputs this stage reads; their output hashes enter the task hash. */
  reads: StageName[];
  /** Publish whatever the task wrote even when it failed (verify's report says why). Never cached. */
  publishOnFailure?: boolean;
  /** Paths under `<outDir>/<name>/` this stage owns: a file (`ir.json`) or a folder (`service`). */
  outputs: string[];
  /** Stage-specific hash parts: source bytes for the first stage, settings for later ones. */
  inputs(ctx: Omit<StageTaskContext, 'outDir' | 'log' | 'skip'> & { once: RunOnce }): Promise<HashParts>;
  /** Does the work, writing outputs into `ctx.outDir`. Throws on failure. */
  run(ctx: StageTaskContext): Promise<void>;
  /**
   * Publishes the outputs (`sourceDir`, laid out like `<outDir>/<name>/`) into `targetDir` (`<outDir>/<name>`).
   * Default: each output file written atomically, each output folder swapped in whole (`replaceDirAtomic`). May return
   * lines to show with the task (what publishing did); a throw fails the task.
   */
  publish?(input: PublishInput): Promise<string[] | undefined>;
  /**
   * For a stage whose publishing writes the user's source (generate): copies what downstream stages read into
   * `<snapshotDir>/service` and returns its digest, which downstream task hashes use instead of this task's output
   * hash. `published` says whether the outputs were published (else read them from `outputsDir`).
   */
  snapshot?(input: {
    config: StageTaskContext['config'];
    brief: BriefRef;
    targetDir: string;
    snapshotDir: string;
    outputsDir: string;
    published: boolean;
  }): Promise<string>;
  /**
   * Whether a cache hit's outputs (laid out like `<outDir>/<name>/` in `outputsDir`) still describe the world, e.g.
   * the built image is still in the engine. False makes the hit a miss and the task runs. Asked for every hit.
   */
  validateHit?(input: {
    config: StageTaskContext['config'];
    brief: BriefRef;
    outputsDir: string;
    once: RunOnce;
  }): Promise<boolean>;
}

/** What a stage's `publish` gets. */
export interface PublishInput {
  config: StageTaskContext['config'];
  brief: BriefRef;
  sourceDir: string;
  targetDir: string;
}

/** Typed identity helper for a stage task. */
export function defineStageTask(task: StageTask): StageTask {
  return task;
}
