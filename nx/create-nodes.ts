// Every `brief.qlf.yaml` that the qlf config's `briefs` globs select becomes a project with one target per stage. Each
// bad brief is reported in its own file (Nx's aggregated errors) while the good ones stay projects.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  AggregateCreateNodesError,
  type CreateNodesContextV2,
  type CreateNodesResult,
  detectPackageManager,
  type ProjectConfiguration,
} from '@nx/devkit';
import picomatch from 'picomatch';
import { packagePath } from '../core/package-info.js';
import { STAGES, type StageName } from '../graph/stages.js';
import { loadConfig, type ResolvedConfig } from '../workspace/config.js';
import { type BriefHead, readBriefHead } from './brief-head.js';
import { type BriefOverlayResolver, createBriefOverlayResolver } from './brief-overlays.js';
import { briefProblems, nameOwners } from './brief-problems.js';
import { type Input, isQlfRepository, posix, qlfInputs, signingKeyInput } from './inputs.js';
import { type QlfPluginOptions, resolvePluginOptions } from './plugin-options.js';
import { type BriefFacts, TARGET_BUILDERS } from './targets.js';

/** What the projects of one pass share. */
type Shared = Omit<BriefFacts, 'name' | 'uses' | 'file' | 'overlayFiles' | 'out'> & {
  root: string;
  config: ResolvedConfig;
  stages: StageName[];
  overlays: BriefOverlayResolver;
};

/** Stages that have an Nx executor (listed in qlf's `executors.json`), in pipeline order, with what each does. */
function executorStages(): { stages: StageName[]; descriptions: Partial<Record<StageName, string>> } {
  const manifest = JSON.parse(readFileSync(packagePath('executors.json'), 'utf8')) as {
    executors: Record<string, { description?: string }>;
  };
  const stages = STAGES.filter((stage) => stage in manifest.executors);
  const descriptions = Object.fromEntries(
    stages.map((stage) => [stage, manifest.executors[stage]?.description?.replace(/\.$/, '')]),
  );
  return { stages, descriptions };
}

/** How a user runs qlf in this workspace, for the targets' help. */
function qlfCommand(root: string): string {
  if (isQlfRepository(root)) return 'node bin/qlf.js';
  const exec = { npm: 'npx', pnpm: 'pnpm exec', yarn: 'yarn', bun: 'bunx' } as const;
  return `${exec[detectPackageManager(root)] ?? 'npx'} qlf`;
}

/**
 * Overlay files the brief's compile reads that are workspace files. qlf's own overlays are not (Nx never hashes files
 * under node_modules); the qlf input covers them.
 */
function workspaceFiles(root: string, files: string[]): string[] {
  return files
    .map((path) => posix(relative(root, path)))
    .filter((path) => !path.startsWith('../') && !path.split('/').includes('node_modules'))
    .sort();
}

async function projectFor(file: string, brief: BriefHead, shared: Shared): Promise<ProjectConfiguration> {
  const { root, config, stages } = shared;
  const facts: BriefFacts = {
    ...shared,
    name: brief.name,
    uses: brief.uses,
    file,
    overlayFiles: workspaceFiles(root, await shared.overlays.filesFor(join(root, file), brief.overlays)),
    out: posix(relative(root, join(config.outDir, brief.name))),
  };
  const targets = Object.fromEntries(
    stages.map((stage) => [facts.targetNames[stage], TARGET_BUILDERS[stage](facts)] as const),
  );
  return {
    name: brief.name,
    root: posix(dirname(file)),
    projectType: 'application',
    tags: ['qlf', ...brief.overlays.map((overlay) => `overlay:${overlay}`)],
    implicitDependencies: brief.uses,
    targets,
    metadata: {
      description: `qlf brief ${file}`,
      technologies: ['qlf'],
      targetGroups: { qlf: Object.keys(targets) },
    },
  };
}

const byFile = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/** Nx's `createNodes` function: the projects of the brief files Nx found, or every problem with the good projects. */
export async function createNodesForBriefs(
  files: readonly string[],
  options: QlfPluginOptions | undefined,
  context: CreateNodesContextV2,
): Promise<[string, CreateNodesResult][]> {
  const root = context.workspaceRoot;
  const { targetNames } = resolvePluginOptions(options);
  const config = await loadConfig(root);
  const wanted = picomatch(config.briefs, { dot: false });
  const ignored = picomatch(config.ignore);
  const selected = files.filter((file) => wanted(file) && !ignored(file));
  const configInput: Input[] = config.configFile ? [`{workspaceRoot}/${posix(relative(root, config.configFile))}`] : [];
  const shared: Shared = {
    ...executorStages(),
    root,
    config,
    targetNames,
    common: [...configInput, ...qlfInputs(root)],
    signingKey: signingKeyInput(root),
    executorPackage: isQlfRepository(root) ? '.' : 'qlf',
    qlfCommand: qlfCommand(root),
    overlays: await createBriefOverlayResolver(config),
  };
  const briefs = new Map(selected.map((file) => [file, readBriefHead(join(root, file))] as const));
  const owners = nameOwners(briefs);
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
      const project = await projectFor(file, known, shared);
      results.push([file, { projects: { [project.root]: project } }]);
    }),
  );
  await shared.overlays.save();
  results.sort(byFile);
  if (errors.length > 0) throw new AggregateCreateNodesError(errors.sort(byFile), results);
  return results;
}
