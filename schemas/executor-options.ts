// Options of the Nx executors and generators: the one source of their types and of every Nx `schema.json`
// (written by `nx/emit-nx-schemas.ts`, checked for staleness by its test).
import { z } from 'zod';
import { dnsLabel } from './common.js';
import { generatorName } from './llm.js';

/** Options every stage executor accepts. */
const stageOptions = {
  brief: z
    .string()
    .optional()
    .describe(
      'Brief file, relative to the workspace root. @default `<projectRoot>/brief.qlf.yaml` (what the plugin infers)',
    ),
};

/** A check or safeguard that cannot run (missing tool, no engine, no signing key) fails instead of being skipped. */
const strictOption = z
  .boolean()
  .optional()
  .describe('Treat a skipped check or safeguard as a failure; overrides `verify.strict`. @default the config value');

export const compileExecutorOptionsSchema = z
  .object({ ...stageOptions })
  .strict()
  .meta({ title: 'qlf compile', description: 'Compiles a brief to its canonical IR (`<outDir>/<name>/ir.json`).' });

export const generateExecutorOptionsSchema = z
  .object({
    ...stageOptions,
    provider: generatorName
      .optional()
      .describe(
        'Who writes the domain logic (templates, or a model on top of them); overrides `generate.provider`. @default the config value',
      ),
    model: z
      .string()
      .min(1)
      .optional()
      .describe('Model id or alias (sonnet, gpt4); overrides `generate.model`. @default the config value'),
    fallback: z
      .enum(['none', 'template'])
      .optional()
      .describe(
        'When the model cannot be used: fail, or keep the template-only service; overrides `generate.fallback`. @default the config value',
      ),
  })
  .strict()
  .meta({
    title: 'qlf generate',
    description: 'Generates the service from the IR and merges it into its working copy (`service/` beside the brief).',
  });

export const verifyExecutorOptionsSchema = z
  .object({
    ...stageOptions,
    strict: strictOption,
  })
  .strict()
  .meta({ title: 'qlf verify', description: 'Verifies the generated service (`<outDir>/<name>/verify/report.json`).' });

export const buildExecutorOptionsSchema = z
  .object({ ...stageOptions, strict: strictOption })
  .strict()
  .meta({ title: 'qlf build', description: 'Builds the container image (`<outDir>/<name>/build/`).' });

export const packageExecutorOptionsSchema = z
  .object({ ...stageOptions, strict: strictOption })
  .strict()
  .meta({ title: 'qlf package', description: 'Packages a signed capsule (`<outDir>/<name>/package/`).' });

export const deployExecutorOptionsSchema = z
  .object({
    ...stageOptions,
    apply: z
      .boolean()
      .default(true)
      .describe(
        'Apply the rendered objects to the cluster; false renders only (`<outDir>/<name>/deploy/`). @default true',
      ),
    dryRun: z
      .boolean()
      .optional()
      .describe('Server-side dry run (dryRun=All): the API server validates, nothing changes. @default false'),
    force: z
      .boolean()
      .optional()
      .describe('Take over fields another field manager owns (server-side apply force). @default false'),
    kubeconfig: z
      .string()
      .optional()
      .describe('Kubeconfig file, relative to the workspace root. @default KUBECONFIG, ~/.kube/config, in-cluster'),
    context: z.string().optional().describe('Kubeconfig context. @default its current-context'),
    timeoutSeconds: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Longest wait for the migration Job and for the rollout, each. @default 300'),
  })
  .strict()
  .meta({
    title: 'qlf deploy',
    description: 'Renders the Kubernetes objects (`<outDir>/<name>/deploy/`) and applies them to the cluster.',
  });

/** Executor option schemas by stage name. */
export const executorOptionsSchemas = {
  compile: compileExecutorOptionsSchema,
  generate: generateExecutorOptionsSchema,
  verify: verifyExecutorOptionsSchema,
  build: buildExecutorOptionsSchema,
  package: packageExecutorOptionsSchema,
  deploy: deployExecutorOptionsSchema,
} as const;

export type StageExecutorOptions = z.input<typeof compileExecutorOptionsSchema>;
export type GenerateExecutorOptions = z.input<typeof generateExecutorOptionsSchema>;
export type VerifyExecutorOptions = z.input<typeof verifyExecutorOptionsSchema>;

export const initGeneratorOptionsSchema = z
  .object({
    plugin: z.string().default('qlf/plugin').describe('Module path Nx loads the plugin from. @default "qlf/plugin"'),
  })
  .strict()
  .meta({
    title: 'qlf init',
    description:
      'Sets qlf up: writes qlf.config.ts (unless there is one), keeps .qlf/ and signing keys out of git, and registers the plugin in nx.json. Running it again changes nothing.',
  });

/** The brief templates `qlf:brief` can start from (folders under `generators/brief/files/`). */
export const BRIEF_TEMPLATES = ['minimal', 'annotated'] as const;

/** Names as a list or comma-separated (`"fintech, pci"`), as a command line gives them. */
const nameList = z.union([z.array(dnsLabel), z.string()]);

export const briefGeneratorOptionsSchema = z
  .object({
    name: dnsLabel.describe('Brief name: a DNS-1123 label, also the Nx project name.').meta({
      $default: { $source: 'argv', index: 0 },
      'x-prompt': 'What is the service called (lowercase, dashes)?',
    }),
    directory: z
      .string()
      .optional()
      .describe(
        'Folder (relative to the workspace root) that gets `<name>/brief.qlf.yaml`; it must be where the `briefs` globs of qlf.config.ts look. @default the folder the first `briefs` glob names, else "briefs"',
      ),
    description: z
      .string()
      .optional()
      .describe('What the service is for, in a few sentences. @default a placeholder to edit')
      .meta({ 'x-prompt': 'Describe the service in a sentence or two (who uses it, what it keeps):' }),
    overlays: nameList
      .optional()
      .describe(
        'Overlays to apply, as a list or comma-separated (e.g. "fintech,pci"): built-in or in `overlays.dirs`. @default none',
      ),
    uses: nameList
      .optional()
      .describe('Briefs whose APIs this service calls, as a list or comma-separated. @default none'),
    template: z
      .enum(BRIEF_TEMPLATES)
      .default('minimal')
      .describe(
        'What the brief starts as: the required fields only, or with every structured section as a commented example. @default "minimal"',
      )
      .meta({
        'x-prompt': {
          message: 'Which template should the brief start from?',
          type: 'list',
          items: [
            { value: 'minimal', label: 'minimal: name and description, the rest inferred' },
            { value: 'annotated', label: 'annotated: also every structured section, commented out' },
          ],
        },
      }),
  })
  .strict()
  .meta({
    title: 'qlf brief',
    description: 'Scaffolds a new brief (`<directory>/<name>/brief.qlf.yaml`) where the `briefs` globs find it.',
  });

export type InitGeneratorOptions = z.input<typeof initGeneratorOptionsSchema>;
export type BriefGeneratorOptions = z.input<typeof briefGeneratorOptionsSchema>;
