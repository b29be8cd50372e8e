// The Nx plugin: one project per brief (`brief.qlf.yaml`), one cached target per qlf stage, with the brief's exact
// inputs (the brief, the overlay files it uses, the config, qlf itself) and outputs (`<outDir>/<name>/<stage output>`).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { CreateNodesContextV2, CreateNodesV2, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import picomatch from 'picomatch';
import { parseDocument } from 'yaml';
import { loadConfig, type ResolvedConfig } from './core/config.js';
import { type BriefOverlayResolver, createBriefOverlayResolver } from './core/nx-brief-overlays.js';
import { packagePath, packageRoot } from './core/package-info.js';
import { STAGES, type StageName, upstreamOf } from './graph/stages.js';

/** Options of the qlf plugin entry in `nx.json` `plugins`. */
export interface QlfPluginOptions {
  /** Prefix for the inferred target names: `'qlf-'` gives `qlf-compile`, `qlf-generate`, ... @default '' */
  targetPrefix?: string;
}

type Input = NonNullable<TargetConfiguration['inputs']>[number];

/** What every target of one brief shares. */
interface BriefFacts {
  name: string;
  uses: string[];
  /** Brief file, relative to the workspace root (POSIX). */
  file: string;
  /** Workspace-relative overlay files the brief's compile reads. */
  overlayFiles: string[];
  /** `<outDir>/<name>`, relative to the workspace root (POSIX). */
  out: string;
  /** Inputs every stage shares: config file and qlf itself. */
  common: Input[];
  prefix: string;
  /** How Nx finds qlf's executors: `qlf`, or `.` inside qlf's own repository (a package cannot require itself). */
  executorPackage: string;
}

const posix = (path: string) => path.split(sep).join('/');

/** What each stage writes under `<outDir>/<name>/`. */
const STAGE_OUTPUT: Record<StageName, string> = {
  compile: 'ir.json',
  generate: 'service',
  verify: 'verify',
  build: 'build',
  package: 'package',
  deploy: 'deploy',
};

/** Stages that have an Nx executor (listed in qlf's `executors.json`), in pipeline order. */
function executorStages(): StageName[] {
  const manifest = JSON.parse(readFileSync(packagePath('executors.json'), 'utf8')) as { executors: object };
  return STAGES.filter((stage) => stage in manifest.executors);
}

/**
 * qlf itself as an input. In qlf's own repository its sources are workspace files; elsewhere it is the `qlf` npm
 * package (hashed by the lockfile entry when there is one, else by its version).
 */
function qlfInputs(root: string): Input[] {
  if (packageRoot() === root) {
    return ['{workspaceRoot}/{core,executors,graph,overlays,schemas,cache}/**/*', '!{workspaceRoot}/**/*.test.ts'];
  }
  const lockfiles = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];
  const manifest = join(root, 'package.json');
  const declared =
    existsSync(manifest) &&
    /"qlf"\s*:/.test(readFileSync(manifest, 'utf8')) &&
    lockfiles.some((file) => existsSync(join(root, file)));
  return declared
    ? [{ externalDependencies: ['qlf'] }]
    : [{ runtime: `node -p "require('qlf/package.json').version"` }];
}

function stageTarget(stage: StageName, facts: BriefFacts): TargetConfiguration {
  const upstream = upstreamOf(stage);
  const target = (name: StageName) => `${facts.prefix}${name}`;
  return {
    executor: `${facts.executorPackage}:${stage}`,
    cache: stage !== 'deploy',
    dependsOn: [...(upstream ? [target(upstream)] : []), ...(facts.uses.length > 0 ? [`^${target(stage)}`] : [])],
    inputs: [...facts.common, { dependentTasksOutputFiles: '**/*', transitive: true }],
    outputs: [`{workspaceRoot}/${facts.out}/${STAGE_OUTPUT[stage]}`],
    metadata: { technologies: ['qlf'], description: `qlf ${stage} for ${facts.name}` },
  };
}

/** The first stage reads sources: the brief and its overlays. */
function compileTarget(facts: BriefFacts): TargetConfiguration {
  return {
    ...stageTarget('compile', facts),
    inputs: [
      `{workspaceRoot}/${facts.file}`,
      ...facts.overlayFiles.map((file) => `{workspaceRoot}/${file}`),
      ...facts.common,
      // The IR of every brief it `uses` is read too.
      ...(facts.uses.length > 0 ? [{ dependentTasksOutputFiles: '**/ir.json' }] : []),
    ],
  };
}

/** Generation reads only the IR (early cutoff: an unchanged ir.json keeps this hash) and the config. */
function generateTarget(facts: BriefFacts): TargetConfiguration {
  return stageTarget('generate', facts);
}

/** Verification also depends on the Python it runs and on strict mode. */
function verifyTarget(facts: BriefFacts): TargetConfiguration {
  const base = stageTarget('verify', facts);
  return { ...base, inputs: [...(base.inputs ?? []), { env: 'QLF_PYTHON' }, { env: 'QLF_STRICT' }] };
}

const TARGET_BUILDERS: Record<StageName, (facts: BriefFacts) => TargetConfiguration> = {
  compile: compileTarget,
  generate: generateTarget,
  verify: verifyTarget,
  build: (facts) => stageTarget('build', facts),
  package: (facts) => stageTarget('package', facts),
  deploy: (facts) => stageTarget('deploy', facts),
};

/** `name`, `uses` and explicit `overlays` of a brief; a brief whose YAML is broken is named after its folder. */
function readBrief(file: string): { name: string; uses: string[]; overlays: string[] } {
  const data = parseDocument(readFileSync(file, 'utf8')).toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null;
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const name =
    typeof data?.name === 'string' && data.name !== '' ? data.name : dirname(file).split(sep).pop() || 'brief';
  return { name, uses: [...new Set(list(data?.uses))].sort(), overlays: list(data?.overlays) };
}

function safeReadBrief(file: string): ReturnType<typeof readBrief> {
  try {
    return readBrief(file);
  } catch {
    // Unparseable YAML: still a project, so `nx run <name>:compile` reports the error with its place.
    return { name: dirname(file).split(sep).pop() || 'brief', uses: [], overlays: [] };
  }
}

async function projectFor(
  file: string,
  config: ResolvedConfig,
  context: {
    root: string;
    options: QlfPluginOptions;
    stages: StageName[];
    common: Input[];
    overlays: BriefOverlayResolver;
  },
): Promise<ProjectConfiguration> {
  const { root, options, stages, common } = context;
  const brief = safeReadBrief(join(root, file));
  const overlayFiles = await context.overlays.filesFor(join(root, file), brief.overlays);
  const facts: BriefFacts = {
    name: brief.name,
    uses: brief.uses,
    file,
    overlayFiles: overlayFiles
      .map((path) => posix(relative(root, path)))
      .filter((path) => !path.startsWith('..'))
      .sort(),
    out: posix(relative(root, join(config.outDir, brief.name))),
    common,
    prefix: options.targetPrefix ?? '',
    executorPackage: packageRoot() === root ? '.' : 'qlf',
  };
  return {
    name: brief.name,
    root: posix(dirname(file)),
    projectType: 'application',
    tags: ['qlf', ...brief.overlays.map((overlay) => `overlay:${overlay}`)],
    implicitDependencies: brief.uses,
    targets: Object.fromEntries(stages.map((stage) => [`${facts.prefix}${stage}`, TARGET_BUILDERS[stage](facts)])),
    metadata: { description: `qlf brief ${file}` },
  };
}

async function createNodesForBriefs(
  files: readonly string[],
  options: QlfPluginOptions | undefined,
  context: CreateNodesContextV2,
) {
  const config = await loadConfig(context.workspaceRoot);
  const wanted = picomatch(config.briefs, { dot: false });
  const ignored = picomatch(config.ignore);
  const selected = files.filter((file) => wanted(file) && !ignored(file));
  const stages = executorStages();
  const configInput: Input[] = config.configFile
    ? [`{workspaceRoot}/${posix(relative(context.workspaceRoot, config.configFile))}`]
    : [];
  const shared = {
    root: context.workspaceRoot,
    options: options ?? {},
    stages,
    common: [...configInput, ...qlfInputs(context.workspaceRoot)],
    overlays: await createBriefOverlayResolver(config),
  };
  const results = await Promise.all(
    selected.map(async (file) => {
      const project = await projectFor(file, config, shared);
      return [file, { projects: { [project.root]: project } }] as const;
    }),
  );
  await shared.overlays.save();
  return results;
}

/** Nx entry point: every `brief.qlf.yaml` that the qlf config's `briefs` globs select becomes a project. */
export const createNodesV2: CreateNodesV2<QlfPluginOptions> = ['**/brief.qlf.yaml', createNodesForBriefs];
