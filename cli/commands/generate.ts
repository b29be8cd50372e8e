// `qlf generate`: a brief file or a one-sentence request → IR → generated service; `--dry-run` shows what was understood.
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { loadConfig } from '../../core/config.js';
import { inputError } from '../../core/errors.js';
import { runCompile } from '../../executors/compile/compile.js';
import { describeIR } from '../../executors/compile/lib/describe-ir.js';
import { readBriefFile } from '../../executors/compile/lib/load-brief.js';
import { briefFromSentence } from '../../executors/compile/lib/sentence-brief.js';
import { runGenerate } from '../../executors/generate/generate.js';
import { writeGeneratedTree } from '../../executors/generate/lib/write-tree.js';
import { loadOverlayRegistry } from '../../overlays/index.js';
import type { Brief } from '../../schemas/brief.js';
import { commonOptions, defineCommand } from '../command.js';
import { printWarnings } from './compile.js';

/** A positional names a brief file when it exists as a file or looks like a YAML path. */
function isBriefPath(arg: string, cwd: string): boolean {
  const path = resolve(cwd, arg);
  if (existsSync(path)) return statSync(path).isFile();
  return /\.ya?ml$/i.test(arg) && !/\s/.test(arg);
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
    '',
    'Exit code: 0 generated (or dry run shown), 1 generation failed, 2 bad input (nothing is written).',
  ].join('\n'),
  options: {
    json: commonOptions.json,
    verbose: commonOptions.verbose,
    'dry-run': { type: 'boolean', description: 'Show what was understood; write nothing.' },
    output: {
      type: 'string',
      description: 'Service folder to write (default: <outDir>/<name>/service).',
      valueName: 'dir',
    },
    overlay: { type: 'string', description: 'Extra overlays to apply, comma-separated.', valueName: 'a,b' },
    'suggest-overlays': {
      type: 'boolean',
      description: 'List every overlay suggestion with its confidence and evidence.',
    },
  },
  async run({ values, positionals, out, cwd }) {
    if (positionals.length === 0) {
      throw inputError('E_USAGE', 'qlf generate needs a brief file or a quoted sentence', {
        hint: 'Run e.g. `qlf generate "Build a HIPAA-compliant patient data API" --dry-run`.',
      });
    }
    const config = await loadConfig(cwd);
    const registry = await loadOverlayRegistry(config.overlays.dirs);
    const first = positionals[0] ?? '';
    let source: { text: string; file: string } | { brief: Brief };
    let display: string;
    if (positionals.length === 1 && isBriefPath(first, cwd)) {
      display = first;
      source = await readBriefFile(resolve(cwd, first), first);
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

    if (values['dry-run']) {
      if (values.json) out.json({ dryRun: true, ir });
      else
        out.print(
          describeIR(ir, { suggestions: values['suggest-overlays'], verbose: values.verbose, style: out.style }),
        );
      return 0;
    }
    const serviceDir =
      values.output !== undefined ? resolve(cwd, values.output) : join(config.outDir, ir.name, 'service');
    const baseDir = join(config.root, '.qlf', 'base', ir.name);
    const tree = await runGenerate(ir);
    const report = await writeGeneratedTree(tree, serviceDir, baseDir);
    if (values.output === undefined) await writeFileAtomic(join(config.outDir, ir.name, 'ir.json'), json);
    if (values.json) {
      out.json({ name: ir.name, serviceDir, files: tree.files.length, report, ir });
    } else {
      if (values['suggest-overlays'] || values.verbose) {
        out.print(
          describeIR(ir, { suggestions: values['suggest-overlays'], verbose: values.verbose, style: out.style }),
        );
      }
      const where = relative(cwd, serviceDir) || serviceDir;
      out.print(
        `${out.style.green('generated')} ${ir.name} → ${where}: ${report.written.length} written, ${report.unchanged.length} unchanged, ${report.merged.length} merged, ${report.conflicts.length} conflicts`,
      );
      for (const conflict of report.conflicts)
        out.info(`${out.style.yellow('conflict')} ${join(where, conflict)}: resolve the <<<<<<< markers`);
    }
    return 0;
  },
});
