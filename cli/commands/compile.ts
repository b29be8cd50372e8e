// `qlf compile`: briefs → canonical IR JSON, printed for one brief or written to `<outDir>/<name>/ir.json`.
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { inputError, isQlfError, type QlfIssue } from '../../core/errors.js';
import { runCompile } from '../../executors/compile/compile.js';
import { loadOverlayRegistry } from '../../overlays/index.js';
import type { IR } from '../../schemas/ir.js';
import { assertUniqueNames, findBriefFiles, readBriefText } from '../../workspace/briefs.js';
import { loadConfig } from '../../workspace/config.js';
import { commonOptions, defineCommand } from '../command.js';
import { formatIssue, type Output } from '../output.js';
import { applyModelOptions, MODEL_OPTIONS, usageLine } from './model-options.js';

/** Prints an IR's warnings on stderr, each located in its brief. */
export function printWarnings(ir: IR, file: string, out: Output): void {
  for (const w of ir.warnings) {
    const issue: QlfIssue = { code: w.code, message: w.message, file, path: w.path, severity: 'warning' };
    out.info(formatIssue(issue, out));
  }
}

export default defineCommand({
  name: 'compile',
  summary: 'Compile briefs to IR',
  usage: 'compile [brief|dir...] [options]',
  details: [
    'Compiles each brief (a file, or every brief found under a folder) to its canonical IR.',
    'One brief: the IR JSON is printed. Several: a summary, unless --write or --out says where to put them.',
    '',
    'Examples:',
    '  qlf compile examples/shop/brief.qlf.yaml',
    '  qlf compile examples --write          writes <outDir>/<name>/ir.json for every brief',
    '  qlf compile brief.qlf.yaml --out ir.json',
    '',
    '  qlf compile brief.qlf.yaml --provider anthropic --model haiku',
    '',
    'With --provider, a model also reads the description: its facts (entities with fields, relations, compliance,',
    'scale) join the rule-based ones as `origin: llm`, each citing the text it was read from (a fact whose text is',
    "not in the description is dropped), and the brief's explicit YAML still wins.",
    '',
    'Exit code: 0 compiled, 1 the model failed, 2 a brief is invalid (nothing is written).',
  ].join('\n'),
  options: {
    json: commonOptions.json,
    out: {
      type: 'string',
      description: 'Write the IR here: a file for one brief, else a folder (<dir>/<name>/ir.json).',
      valueName: 'path',
    },
    write: { type: 'boolean', description: 'Write <outDir>/<name>/ir.json for every brief.' },
    overlay: { type: 'string', description: 'Extra overlays to apply, comma-separated.', valueName: 'a,b' },
    ...MODEL_OPTIONS,
  },
  async run({ values, positionals, out, cwd }) {
    const config = applyModelOptions(await loadConfig(cwd), values);
    const withModel = config.generate.provider !== 'templates';
    const files = await findBriefFiles(config, { paths: positionals.length > 0 ? positionals : [config.root], cwd });
    const registry = await loadOverlayRegistry(config.overlays.dirs);
    const extraOverlays = (values.overlay ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const results: { file: string; display: string; ir: IR; json: string }[] = [];
    const issues: QlfIssue[] = [];
    let firstError: unknown;
    // Compile every brief before writing anything: one bad brief means nothing is written, and all problems show.
    for (const file of files) {
      const display = relative(cwd, file) || file;
      try {
        const input = {
          source: await readBriefText(file, display),
          overlays: registry,
          autoApplyThreshold: config.overlays.autoApplyThreshold,
          extraOverlays,
        };
        if (withModel) {
          const { compileWithModel } = await import('../../executors/compile/model/compile-with-model.js');
          const { ir, json, usage } = await compileWithModel(input, { config, log: (line) => out.info(line) });
          out.info(`${display}: ${usageLine(usage)}`);
          results.push({ file, display, ir, json });
        } else {
          const { ir, json } = await runCompile(input);
          results.push({ file, display, ir, json });
        }
      } catch (error) {
        if (!isQlfError(error) || error.kind !== 'input') throw error;
        firstError ??= error;
        issues.push(
          ...(error.issues.length > 0
            ? error.issues
            : [{ code: error.code, message: error.message, file: display, hint: error.hint }]),
        );
      }
    }
    if (issues.length > 0) {
      if (files.length === 1) throw firstError;
      throw inputError('E_BRIEF_INVALID', `${issues.length} problem(s) in the briefs; nothing was written`, { issues });
    }
    assertUniqueNames(
      results.map((r) => ({ name: r.ir.name, file: r.file })),
      cwd,
    );
    for (const r of results) printWarnings(r.ir, r.display, out);

    const target = (name: string): string | undefined => {
      if (values.out !== undefined) {
        const outPath = resolve(cwd, values.out);
        return results.length === 1 && values.out.endsWith('.json') ? outPath : join(outPath, name, 'ir.json');
      }
      return values.write ? join(config.outDir, name, 'ir.json') : undefined;
    };
    if (values.out === undefined && !values.write) {
      if (results.length === 1 && results[0]) {
        out.print(results[0].json.trimEnd());
      } else if (values.json) {
        out.json(results.map((r) => r.ir));
      } else {
        for (const r of results) {
          out.print(
            `${r.ir.name.padEnd(24)} ${r.ir.domain.value.padEnd(12)} ${String(r.ir.entities.length).padStart(3)} entities  ${r.ir.warnings.length} warnings  ${r.display}`,
          );
        }
        out.print(out.style.dim('Use --write to write <outDir>/<name>/ir.json, or pass one brief to print its IR.'));
      }
      return 0;
    }
    const written: { name: string; file: string }[] = [];
    for (const r of results) {
      const path = target(r.ir.name) as string;
      await writeFileAtomic(path, r.json);
      written.push({ name: r.ir.name, file: path });
    }
    if (values.json) out.json({ written });
    else for (const w of written) out.print(`${out.style.green('wrote')} ${relative(cwd, w.file) || w.file}`);
    return 0;
  },
});
