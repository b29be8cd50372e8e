// The options of the qlf entry in `nx.json` `plugins`, and the target names they resolve to. Unknown or malformed
// options fail with the option, the bad value and the accepted options, instead of being ignored.
import { z } from 'zod';
import { STAGES, type StageName } from '../graph/stages.js';

/** Options of the qlf plugin entry in `nx.json` `plugins` (`{ "plugin": "qlf/plugin", "options": {...} }`). */
export interface QlfPluginOptions {
  /** Prefix for the inferred target names: `'qlf-'` gives `qlf-compile`, `qlf-generate`, ... @default '' */
  targetPrefix?: string;
  /** Name of the compile target. @default `${targetPrefix}compile` */
  compileTargetName?: string;
  /** Name of the generate target. @default `${targetPrefix}generate` */
  generateTargetName?: string;
  /** Name of the verify target. @default `${targetPrefix}verify` */
  verifyTargetName?: string;
  /** Name of the build target. @default `${targetPrefix}build` */
  buildTargetName?: string;
  /** Name of the package target. @default `${targetPrefix}package` */
  packageTargetName?: string;
  /** Name of the deploy target. @default `${targetPrefix}deploy` */
  deployTargetName?: string;
}

/** The plugin options with every default filled: the target name of each stage. */
export interface ResolvedPluginOptions {
  targetNames: Record<StageName, string>;
}

/** A target name Nx can address as `<project>:<target>`. */
const targetName = z.string().regex(/^[^\s:]+$/, 'expected a target name: not empty, without spaces or ":"');

export const pluginOptionsSchema = z
  .object({
    targetPrefix: z.string().regex(/^[^\s:]*$/, 'expected a prefix without spaces or ":"'),
    compileTargetName: targetName,
    generateTargetName: targetName,
    verifyTargetName: targetName,
    buildTargetName: targetName,
    packageTargetName: targetName,
    deployTargetName: targetName,
  })
  .partial()
  .strict() satisfies z.ZodType<QlfPluginOptions>;

const ACCEPTED = Object.keys(pluginOptionsSchema.shape);

/** The option key of a stage's target name (`buildTargetName`). */
export const targetNameOption = (stage: StageName) => `${stage}TargetName` as const;

/** Validates the options of the plugin entry and resolves the target names; throws one message naming every problem. */
export function resolvePluginOptions(raw: unknown): ResolvedPluginOptions {
  const parsed = pluginOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `unknown option "${key}"`);
      const option = issue.path.join('.') || '(options)';
      const value = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown>)?.[key], raw);
      return [`option "${option}" is ${JSON.stringify(value)}: ${issue.message.replace(/^Invalid input: /, '')}`];
    });
    throw new Error(
      `E_PLUGIN_OPTIONS qlf/plugin options in nx.json: ${problems.join('; ')}\n` +
        `  fix: use only ${ACCEPTED.join(', ')}`,
    );
  }
  const options = parsed.data;
  const targetNames = Object.fromEntries(
    STAGES.map((stage) => [stage, options[targetNameOption(stage)] ?? `${options.targetPrefix ?? ''}${stage}`]),
  ) as Record<StageName, string>;
  const clashes = STAGES.filter((stage, index) =>
    STAGES.slice(0, index).some((other) => targetNames[other] === targetNames[stage]),
  );
  if (clashes.length > 0) {
    const named = clashes.map((stage) => `"${targetNames[stage]}"`).join(', ');
    throw new Error(
      `E_PLUGIN_OPTIONS qlf/plugin options in nx.json: two stages share the target name ${named}\n` +
        `  fix: give each stage its own name (${STAGES.map(targetNameOption).join(', ')})`,
    );
  }
  return { targetNames };
}
