// One small builder per inferred target, as Nx's own plugins have (`buildTarget`, `testTarget`): what each stage's
// target caches, hashes, writes and depends on. generate writes the user's working copy, so it is never replayed from
// Nx's cache; the cached stages after it hash the working copy through the manifest generate records (`source.json`).
import type { TargetConfiguration } from '@nx/devkit';
import { IR_FILE, STAGE_OUTPUTS, STAGE_RECORDS, type StageName, upstreamOf } from '../graph/stages.js';
import { env, type Input, IR, SOURCE, upstream } from './inputs.js';

/** What every target of one brief shares. */
export interface BriefFacts {
  name: string;
  uses: string[];
  /** Brief file, relative to the workspace root (POSIX). */
  file: string;
  /** Workspace-relative overlay files the brief's compile reads (those outside the workspace are qlf's own). */
  overlayFiles: string[];
  /** `<outDir>/<name>`, relative to the workspace root (POSIX). */
  out: string;
  /** Inputs every stage shares: config file and qlf itself. */
  common: Input[];
  /** The runtime input naming the signing key's public id. */
  signingKey: Input;
  /** The target name of each stage (plugin options). */
  targetNames: Record<StageName, string>;
  /** How Nx finds qlf's executors: `qlf`, or `.` inside qlf's own repository (a package cannot require itself). */
  executorPackage: string;
  /** What each stage's executor does (from `executors.json`). */
  descriptions: Partial<Record<StageName, string>>;
  /** How a user runs qlf here (`npx qlf`, `pnpm exec qlf`, `node bin/qlf.js`), for the targets' help. */
  qlfCommand: string;
}

/** The qlf command that documents a stage's settings, and example executor options, for `nx show project`. */
const HELP: Record<StageName, { command: string; options: (facts: BriefFacts) => Record<string, unknown> }> = {
  compile: { command: 'compile --help', options: (facts) => ({ brief: facts.file }) },
  generate: { command: 'generate --help', options: () => ({ provider: 'templates' }) },
  verify: { command: 'run --help', options: () => ({ strict: true }) },
  build: { command: 'run --help', options: () => ({ strict: true }) },
  package: { command: 'run --help', options: () => ({ strict: true }) },
  deploy: { command: 'deploy --help', options: () => ({ apply: false }) },
};

function stageTarget(stage: StageName, facts: BriefFacts, inputs: Input[]): TargetConfiguration {
  const upstreamStage = upstreamOf(stage);
  const target = (name: StageName) => facts.targetNames[name];
  const outputs = [...STAGE_OUTPUTS[stage], ...(STAGE_RECORDS[stage] ?? [])];
  return {
    executor: `${facts.executorPackage}:${stage}`,
    cache: stage !== 'deploy',
    dependsOn: [
      ...(upstreamStage ? [target(upstreamStage)] : []),
      ...(facts.uses.length > 0 ? [`^${target(stage)}`] : []),
    ],
    inputs: [...facts.common, ...inputs],
    outputs: outputs.map((output) => `{workspaceRoot}/${facts.out}/${output}`),
    metadata: {
      description: `${facts.descriptions[stage] ?? `qlf ${stage}`} (${facts.name})`,
      technologies: ['qlf'],
      help: {
        command: `${facts.qlfCommand} ${HELP[stage].command}`,
        example: { options: HELP[stage].options(facts) },
      },
    },
  };
}

/** The first stage reads sources: the brief, its overlays, and the IR of every brief it `uses`. */
function compileTarget(facts: BriefFacts): TargetConfiguration {
  const target = stageTarget('compile', facts, facts.uses.length > 0 ? [upstream(`**/${IR_FILE}`, false)] : []);
  return {
    ...target,
    inputs: [
      `{workspaceRoot}/${facts.file}`,
      ...facts.overlayFiles.map((file) => `{workspaceRoot}/${file}`),
      ...(target.inputs ?? []),
    ],
  };
}

/**
 * Generation writes the user's source, like an Nx generator: never cached. A hit would skip the merge into the
 * working copy and could restore stale files over the user's edits.
 */
function generateTarget(facts: BriefFacts): TargetConfiguration {
  return { ...stageTarget('generate', facts, [IR]), cache: false };
}

/**
 * Verification checks the working copy against the IR; the Python it runs and strict mode change what it checks.
 * One at a time, as `qlf run` does: several test suites and database servers at once overload a machine.
 */
function verifyTarget(facts: BriefFacts): TargetConfiguration {
  return { ...stageTarget('verify', facts, [IR, SOURCE, env('QLF_PYTHON'), env('QLF_STRICT')]), parallelism: false };
}

/**
 * Building talks to a container engine: never cached. A replayed result could name an image the engine no longer
 * has, and one made without an engine must be retried once there is one.
 */
function buildTarget(facts: BriefFacts): TargetConfiguration {
  return { ...stageTarget('build', facts, [IR, SOURCE, env('QLF_STRICT')]), cache: false };
}

/**
 * The capsule holds the brief's bytes (its provenance pins them), the working copy, the verify report and the build
 * files, and is stamped with the archive time and signed with the configured key.
 */
function packageTarget(facts: BriefFacts): TargetConfiguration {
  const target = stageTarget('package', facts, [
    IR,
    SOURCE,
    upstream('**/verify/report.json'),
    upstream('**/build/build.json', false),
    upstream('**/build/Dockerfile', false),
    upstream('**/build/.dockerignore', false),
    env('QLF_STRICT'),
    env('SOURCE_DATE_EPOCH'),
    env('QLF_SIGNING_KEY'),
    facts.signingKey,
  ]);
  return { ...target, inputs: [`{workspaceRoot}/${facts.file}`, ...(target.inputs ?? [])] };
}

/** Rendering reads every upstream output; applying to a cluster changes the world, so it is never cached. */
function deployTarget(facts: BriefFacts): TargetConfiguration {
  return stageTarget('deploy', facts, [upstream('**/*')]);
}

/** The target builder of each stage. */
export const TARGET_BUILDERS: Record<StageName, (facts: BriefFacts) => TargetConfiguration> = {
  compile: compileTarget,
  generate: generateTarget,
  verify: verifyTarget,
  build: buildTarget,
  package: packageTarget,
  deploy: deployTarget,
};
