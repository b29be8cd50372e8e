// `qlf generate`: a brief file or a one-sentence request → IR → generated service; `--dry-run` shows what was understood.
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { inputError } from '../../core/errors.js';
import { qlfVersion } from '../../core/package-info.js';
import { runCompile } from '../../executors/compile/compile.js';
import { describeIR } from '../../executors/compile/lib/describe-ir.js';
import { briefFromSentence } from '../../executors/compile/lib/sentence-brief.js';
import { generateFromRecordedIr, migrationSchemaOf } from '../../executors/generate/generate.js';
import {
  assertNoConflicts,
  describeConflicts,
  type MergeOutcome,
  mergeIntoWorkingCopy,
} from '../../executors/generate/lib/working-copy-merge.js';
import { generateService } from '../../executors/generate/model/generate-service.js';
import { loadOverlayRegistry } from '../../overlays/index.js';
import type { Brief } from '../../schemas/brief.js';
import { readBriefText } from '../../workspace/briefs.js';
import { loadConfig } from '../../workspace/config.js';
import { localBaseDir, serviceDirOf } from '../../workspace/working-copy.js';
import { commonOptions, defineCommand } from '../command.js';
import { printWarnings } from './compile.js';
import { applyModelOptions, MODEL_OPTIONS, usageLine } from './model-options.js';

/** A positional names a brief file when it exists as a file or looks like a YAML path. */
function isBriefPath(arg: string, cwd: string): boolean {
  const path = resolve(cwd, arg);
  if (existsSync(path)) return statSync(path).isFile();
  return /\.ya?ml$/i.test(arg) && !/\s/.test(arg);
}

/** `3 written, 1 merged, 0 conflicts, …`: counts of what the merge did (or would do). */
function summaryLine(outcome: MergeOutcome, prefix: string): string {
  const { report } = outcome;
  const parts = [
    `${report.written.length} ${prefix}written`,
    `${report.unchanged.length} unchanged`,
    `${report.merged.length} ${prefix}merged`,
    `${report.kept.length} of your edits kept`,
    ...(report.removed.length > 0 ? [`${report.removed.length} ${prefix}removed`] : []),
    `${report.conflicts.length} conflicts`,
  ];
  return parts.join(', ');
}

/** The revision line and one line per warning a person should review, when the schema changed. */
function revisionLines(outcome: MergeOutcome, prefix: string): string[] {
  if (!outcome.revision) return [];
  const { path, message, warnings } = outcome.revision;
  return [
    `migration ${prefix}${path} (${message})`,
    ...warnings.map(
      (warning) => `warning: ${warning.destructive ? 'DESTRUCTIVE, review before production: ' : ''}${warning.message}`,
    ),
  ];
}

function mergeJson(outcome: MergeOutcome) {
  return {
    ...outcome.report,
    unresolved: outcome.unresolved,
    baseUnknown: outcome.baseUnknown,
    wrote: outcome.wrote,
    ...(outcome.revision ? { revision: outcome.revision } : {}),
  };
}

export default defineCommand({
  name: 'generate',
  summary: 'Generate a service from a brief file or a sentence',
  usage: 'generate <brief-file|"sentence"> [options]',
  details: [
    'Compiles the brief (or a one-sentence description) and generates the service from it.',
    '',
    'Examples:',
    '  qlf generate "Create a PCI-compliant payment processing API with fraud detection" --dry-run --suggest-overlays',
    '  qlf generate examples/shop/brief.qlf.yaml --output ./shop-service',
    '  qlf generate "Build a HIPAA-compliant patient data API" --overlay gdpr',
    '  qlf generate examples/payments/brief.qlf.yaml --provider anthropic --model sonnet',
    '  qlf generate examples/payments/brief.qlf.yaml --compare openai,anthropic',
    '',
    'With --provider, the templates still write the service; the model writes the domain logic they cannot (fraud',
    'rules, status transitions, rules stated in prose) as modules under app/domain/ with tests, and nothing it writes',
    'reaches the working copy before it passed the output contract and the checks. Keys come only from the',
    'environment (OPENAI_API_KEY, AZURE_OPENAI_API_KEY, ANTHROPIC_API_KEY, the AWS chain for Bedrock).',
    '',
    'The service is merged into its working copy (by default `service/` beside the brief): your edits are kept,',
    'overlapping changes get conflict markers. --dry-run shows what a regeneration would change, writing nothing.',
    '',
    'Exit code: 0 generated (or dry run shown), 1 conflicts or failed generation, 2 bad input (nothing is written).',
  ].join('\n'),
  options: {
    json: commonOptions.json,
    verbose: commonOptions.verbose,
    'dry-run': { type: 'boolean', description: 'Show what was understood; write nothing.' },
    output: {
      type: 'string',
      description: "Working copy to merge into (default: the brief's `generate.serviceDir`, `service/` beside it).",
      valueName: 'dir',
    },
    overlay: { type: 'string', description: 'Extra overlays to apply, comma-separated.', valueName: 'a,b' },
    'suggest-overlays': {
      type: 'boolean',
      description: 'List every overlay suggestion with its confidence and evidence.',
    },
    ...MODEL_OPTIONS,
    compare: {
      type: 'string',
      description:
        'Generate with each provider into <outDir>/<name>/compare/<provider>/ and verify each, side by side.',
      valueName: 'a,b',
    },
  },
  async run({ values, positionals, out, cwd }) {
    if (positionals.length === 0) {
      throw inputError('E_USAGE', 'qlf generate needs a brief file or a quoted sentence', {
        hint: 'Run e.g. `qlf generate "Build a HIPAA-compliant patient data API" --dry-run`.',
      });
    }
    const config = applyModelOptions(await loadConfig(cwd), values);
    const registry = await loadOverlayRegistry(config.overlays.dirs);
    const first = positionals[0] ?? '';
    let source: { text: string; file: string } | { brief: Brief } | undefined;
    let display: string;
    if (positionals.length === 1 && isBriefPath(first, cwd)) {
      display = first;
      source = await readBriefText(resolve(cwd, first), first);
    } else {
      display = '(sentence)';
      source = { brief: briefFromSentence(positionals.join(' ')) };
    }
    const extraOverlays = (values.overlay ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const { ir, json } = await runCompile({
      source,
      overlays: registry,
      autoApplyThreshold: config.overlays.autoApplyThreshold,
      extraOverlays,
    });
    if (!values.json) printWarnings({ ...ir, warnings: values['dry-run'] ? [] : ir.warnings }, display, out);

    const briefFile = source && 'file' in source ? resolve(cwd, first) : undefined;
    const serviceDir =
      values.output !== undefined
        ? resolve(cwd, values.output)
        : briefFile
          ? serviceDirOf(config, briefFile)
          : resolve(cwd, ir.name, 'service');
    const where = relative(cwd, serviceDir) || serviceDir;
    if (values.compare !== undefined) {
      const { compareProviders } = await import('./compare-providers.js');
      return compareProviders({ ir, config, list: values.compare, out, json: values.json === true });
    }
    const log = (line: string) => (values.json ? out.info(line) : out.print(line));
    const dryRun = values['dry-run'] === true;
    if (dryRun && config.generate.provider !== 'templates') {
      log(`dry run: ${config.generate.provider} is not called (it costs money); showing what the templates change`);
    }
    const generateConfig = dryRun
      ? { ...config, generate: { ...config.generate, provider: 'templates' as const } }
      : config;
    const { tree, usage } = await generateService(ir, { config: generateConfig, brief: ir.name, log });
    const outcome = await mergeIntoWorkingCopy(tree, serviceDir, {
      localBase: localBaseDir(config, ir.name),
      ir: JSON.parse(json) as Record<string, unknown>,
      generator: { qlf: qlfVersion(), provider: usage.provider, ...(usage.model ? { model: usage.model } : {}) },
      regenerate: generateFromRecordedIr,
      schema: migrationSchemaOf(ir),
      dryRun: values['dry-run'] === true,
    });
    if (values['dry-run']) {
      if (values.json) out.json({ dryRun: true, serviceDir, merge: mergeJson(outcome), usage, ir });
      else {
        out.print(
          describeIR(ir, { suggestions: values['suggest-overlays'], verbose: values.verbose, style: out.style }),
        );
        out.print(`\n${out.style.bold('Regeneration')} (dry run, nothing written) → ${where}`);
        out.print(summaryLine(outcome, 'would be '));
        for (const line of revisionLines(outcome, 'would be written: ')) out.print(`  ${line}`);
        for (const line of describeConflicts(outcome.unresolved))
          out.print(`  ${out.style.yellow('conflict')} ${line}`);
      }
      return outcome.unresolved.length > 0 ? 1 : 0;
    }
    if (values.output === undefined && briefFile) {
      await writeFileAtomic(join(config.outDir, ir.name, 'ir.json'), json);
    }
    if (values.json) {
      out.json({ name: ir.name, serviceDir, files: tree.files.length, merge: mergeJson(outcome), usage, ir });
    } else {
      if (values['suggest-overlays'] || values.verbose) {
        out.print(
          describeIR(ir, { suggestions: values['suggest-overlays'], verbose: values.verbose, style: out.style }),
        );
      }
      out.print(`${out.style.green('generated')} ${ir.name} → ${where}: ${summaryLine(outcome, '')}`);
      if (usage.provider !== 'templates') out.print(usageLine(usage));
      for (const line of revisionLines(outcome, 'written: ')) out.print(`  ${line}`);
      for (const line of describeConflicts(outcome.unresolved))
        out.info(`${out.style.yellow('conflict')} ${join(where, line)}`);
    }
    // Conflicts are failed work (exit 1): the markers are in the files for the user to resolve.
    assertNoConflicts(outcome, where);
    return 0;
  },
});
