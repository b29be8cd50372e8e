// The Nx plugin: one project per brief (`brief.qlf.yaml`), one target per qlf stage. generate writes the user's working
// copy, so it is never replayed from Nx's cache; the cached stages after it hash the working copy through the manifest
// generate records (`source.json`), plus the exact config, environment and key they read.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import {
  AggregateCreateNodesError,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
  type ProjectConfiguration,
  type TargetConfiguration,
} from '@nx/devkit';
import picomatch from 'picomatch';
import { parseBriefYaml } from './core/brief-yaml.js';
import { type BriefOverlayResolver, createBriefOverlayResolver } from './core/nx-brief-overlays.js';
import { packagePath, packageRoot } from './core/package-info.js';
import { GENERATED_DIR, GENERATED_LOCK, SOURCE_MANIFEST } from './graph/stage-tasks/generate.js';
import { STAGES, type StageName, upstreamOf } from './graph/stages.js';
import { dnsLabel } from './schemas/common.js';
import { loadConfig, type ResolvedConfig } from './workspace/config.js';

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
  /** The runtime input naming the signing key's public id. */
  signingKey: Input;
  prefix: string;
  /** How Nx finds qlf's executors: `qlf`, or `.` inside qlf's own repository (a package cannot require itself). */
  executorPackage: string;
}

const posix = (path: string) => path.split(sep).join('/');

/**
 * What each stage writes under `<outDir>/<name>/`: what Nx restores on a hit, and what dependents hash (Nx reads a
 * dependency's declared outputs from disk once it has run, cached or not). generate's are its own records, never the
 * working copy: that is the user's source, which a cache replay must not restore or revert.
 */
const STAGE_OUTPUTS: Record<StageName, readonly string[]> = {
  compile: ['ir.json'],
  generate: [GENERATED_DIR, GENERATED_LOCK, SOURCE_MANIFEST],
  verify: ['verify'],
  build: ['build'],
  package: ['package'],
  deploy: ['deploy'],
};

/** Upstream outputs, by file name, that a stage's hash covers (`transitive`: also beyond its direct dependencies). */
const upstream = (glob: string, transitive = true): Input => ({ dependentTasksOutputFiles: glob, transitive });
const env = (name: string): Input => ({ env: name });

/** The IR every stage after compile reads. */
const IR = upstream('**/ir.json');
/** The working copy's content. Not a file input: Nx hashes workspace files before generate merges into them. */
const SOURCE = upstream(`**/${SOURCE_MANIFEST}`);

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

/**
 * The public id of the key package signs with (`qlf keys fingerprint`; Nx runs it in the workspace root with the
 * task's environment). Hashing the key's path would miss a key replaced in place; its fingerprint holds no secret.
 */
function signingKeyInput(root: string): Input {
  const bin = posix(relative(root, packagePath('bin', 'qlf.js')));
  return { runtime: `node ${/^[\w./@+-]+$/.test(bin) ? bin : JSON.stringify(bin)} keys fingerprint` };
}

function stageTarget(stage: StageName, facts: BriefFacts, inputs: Input[]): TargetConfiguration {
  const upstreamStage = upstreamOf(stage);
  const target = (name: StageName) => `${facts.prefix}${name}`;
  return {
    executor: `${facts.executorPackage}:${stage}`,
    cache: stage !== 'deploy',
    dependsOn: [
      ...(upstreamStage ? [target(upstreamStage)] : []),
      ...(facts.uses.length > 0 ? [`^${target(stage)}`] : []),
    ],
    inputs: [...facts.common, ...inputs],
    outputs: STAGE_OUTPUTS[stage].map((output) => `{workspaceRoot}/${facts.out}/${output}`),
    metadata: { technologies: ['qlf'], description: `qlf ${stage} for ${facts.name}` },
  };
}

/** The first stage reads sources: the brief, its overlays, and the IR of every brief it `uses`. */
function compileTarget(facts: BriefFacts): TargetConfiguration {
  const target = stageTarget('compile', facts, facts.uses.length > 0 ? [upstream('**/ir.json', false)] : []);
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

/** Verification checks the working copy against the IR; the Python it runs and strict mode change what it checks. */
function verifyTarget(facts: BriefFacts): TargetConfiguration {
  return stageTarget('verify', facts, [IR, SOURCE, env('QLF_PYTHON'), env('QLF_STRICT')]);
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

const TARGET_BUILDERS: Record<StageName, (facts: BriefFacts) => TargetConfiguration> = {
  compile: compileTarget,
  generate: generateTarget,
  verify: verifyTarget,
  build: buildTarget,
  package: packageTarget,
  deploy: (facts) => stageTarget('deploy', facts, [upstream('**/*')]),
};

/** What the plugin reads of a brief: `name`, `uses` and explicit `overlays`, with where `name` and each use are. */
interface BriefHead {
  name: string;
  uses: string[];
  overlays: string[];
  /** 1-based line and column of `name`'s value, and of each `uses` entry, when the YAML parsed. */
  at: { name?: Place; uses: Map<string, Place> };
}

interface Place {
  line: number;
  column: number;
}

const folderName = (file: string) => dirname(file).split(sep).pop() || 'brief';

/** A brief's head; a brief whose YAML is broken is named after its folder (compile reports the YAML error). */
function readBrief(file: string): BriefHead {
  try {
    const parsed = parseBriefYaml(readFileSync(file, 'utf8'), file);
    const data = parsed.data as Record<string, unknown> | null;
    const place = (path: (string | number)[]): Place | undefined => {
      const node = parsed.document.getIn(path, true) as { range?: [number, number, number] } | undefined;
      if (!node?.range) return undefined;
      const { line, col } = parsed.position(node.range[0]);
      return { line, column: col };
    };
    const list = (value: unknown) =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const uses = new Map<string, Place>();
    list(data?.uses).forEach((used, index) => {
      const at = place(['uses', index]);
      if (at && !uses.has(used)) uses.set(used, at);
    });
    const named = typeof data?.name === 'string' && data.name !== '';
    return {
      name: named ? (data?.name as string) : folderName(file),
      uses: [...new Set(list(data?.uses))].sort(),
      overlays: list(data?.overlays),
      at: { name: named ? place(['name']) : undefined, uses },
    };
  } catch {
    return { name: folderName(file), uses: [], overlays: [], at: { uses: new Map() } };
  }
}

/**
 * Why a brief cannot be a project, located in its file: a name that is not a DNS-1123 label (it names the output
 * folder: `../../evil` would write outside it), a name another brief already has, or a `uses` naming no brief. Each is
 * reported for its own file; the other briefs stay projects.
 */
function briefProblems(file: string, brief: BriefHead, owners: Map<string, string>): Error | undefined {
  const problems: string[] = [];
  const at = (place: Place | undefined) => (place ? `${file}:${place.line}:${place.column}` : file);
  if (!dnsLabel.safeParse(brief.name).success) {
    problems.push(
      `${at(brief.at.name)}: E_BRIEF_NAME name "${brief.name}" is not a DNS-1123 label (it names the project and ` +
        'its output folder)\n  fix: use lowercase letters, digits and "-", e.g. `name: payments`',
    );
  } else if (owners.get(brief.name) !== file) {
    problems.push(
      `${at(brief.at.name)}: E_BRIEF_DUPLICATE two briefs are named "${brief.name}": ${owners.get(brief.name)} ` +
        `and ${file}\n  fix: brief names are project names and output folders; rename one of them`,
    );
  }
  for (const used of brief.uses.filter((name) => !owners.has(name))) {
    problems.push(
      `${at(brief.at.uses.get(used))}: E_GRAPH_UNKNOWN_USES brief "${brief.name}" uses "${used}", which no brief is ` +
        `named\n  fix: use one of: ${[...owners.keys()].sort().join(', ') || '(no briefs)'}; or add the brief "${used}"`,
    );
  }
  return problems.length > 0 ? new Error(problems.join('\n')) : undefined;
}

async function projectFor(
  file: string,
  config: ResolvedConfig,
  context: {
    root: string;
    options: QlfPluginOptions;
    stages: StageName[];
    common: Input[];
    signingKey: Input;
    overlays: BriefOverlayResolver;
    brief: BriefHead;
  },
): Promise<ProjectConfiguration> {
  const { root, options, stages, common } = context;
  const brief = context.brief;
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
    signingKey: context.signingKey,
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
    signingKey: signingKeyInput(context.workspaceRoot),
    overlays: await createBriefOverlayResolver(config),
  };
  const briefs = new Map(selected.map((file) => [file, readBrief(join(context.workspaceRoot, file))] as const));
  // The project of each valid name: the first brief (by path) that claims it.
  const owners = new Map<string, string>();
  for (const file of [...selected].sort()) {
    const { name } = briefs.get(file) as BriefHead;
    if (!owners.has(name) && dnsLabel.safeParse(name).success) owners.set(name, file);
  }
  const errors: [string, Error][] = [];
  const results: [string, CreateNodesResult][] = [];
  await Promise.all(
    selected.map(async (file) => {
      const brief = briefs.get(file) as BriefHead;
      const problem = briefProblems(file, brief, owners);
      if (problem) errors.push([file, problem]);
      // A bad name makes no project (nothing may write outside the output folder, no name may be claimed twice); an
      // unknown `uses` keeps the project, without the dependency, so `nx run <name>:compile` still reports it.
      if (owners.get(brief.name) !== file) return;
      const known = { ...brief, uses: brief.uses.filter((name) => owners.has(name)) };
      const project = await projectFor(file, config, { ...shared, brief: known });
      results.push([file, { projects: { [project.root]: project } }]);
    }),
  );
  await shared.overlays.save();
  results.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (errors.length > 0) {
    errors.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    throw new AggregateCreateNodesError(errors, results);
  }
  return results;
}

/** Nx entry point: every `brief.qlf.yaml` that the qlf config's `briefs` globs select becomes a project. */
export const createNodesV2: CreateNodesV2<QlfPluginOptions> = ['**/brief.qlf.yaml', createNodesForBriefs];
