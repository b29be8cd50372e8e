// Stage task `compile`: brief file → `ir.json`. Hashes the brief bytes, the overlays it can read (see
// compile-overlays.ts) and the overlay settings.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { canonicalJson } from '../../core/canonical-json.js';
import { defineStageTask } from '../stage-task.js';
import { STAGE_OUTPUTS } from '../stages.js';
import { compileOverlayInputs } from './compile-overlays.js';

export const compileTask = defineStageTask({
  stage: 'compile',
  heavy: false,
  retryable: false,
  cacheable: true,
  reads: [],
  outputs: [...STAGE_OUTPUTS.compile],
  async inputs(ctx) {
    // Read synchronously: a brief is small, and a warm run hashes hundreds of them, where each asynchronous read
    // costs several thread-pool round trips (about ten times the CPU of this one call).
    const bytes = readFileSync(ctx.brief.file);
    const { overlays, settings } = await ctx.once('compile:inputs', async () => ({
      overlays: await compileOverlayInputs(ctx.config),
      // Only the settings compile reads: editing `run`, `cache.remote` or a later stage's settings re-runs no
      // compile, and machines whose configs differ elsewhere still share compile results through the remote cache.
      settings: `config ${canonicalJson({
        overlays: {
          dirs: ctx.config.overlays.dirs.map((dir) => relative(ctx.config.root, dir).split(sep).join('/')),
          autoApplyThreshold: ctx.config.overlays.autoApplyThreshold,
        },
      })}`,
    }));
    return [bytes, ...(await overlays.partsFor(bytes)), settings];
  },
  async run(ctx) {
    const text = await readFile(ctx.brief.file, 'utf8');
    // Loaded when the stage runs, so a graph without compile work never pays for (or breaks on) the compiler.
    const { runCompile } = await import('../../executors/compile/compile.js');
    const { loadOverlayRegistry } = await import('../../overlays/index.js');
    const overlays = await loadOverlayRegistry(ctx.config.overlays.dirs);
    const { ir, json } = await runCompile({
      source: { text, file: relative(ctx.config.root, ctx.brief.file) || ctx.brief.file },
      overlays,
      autoApplyThreshold: ctx.config.overlays.autoApplyThreshold,
    });
    await writeFile(join(ctx.outDir, 'ir.json'), json);
    const applied = ir.overlays.applied.map((o) => o.name);
    ctx.log(
      `compiled ${ir.name}: ${ir.entities.length} entities, overlays ${applied.length ? applied.join(', ') : 'none'}, ${ir.warnings.length} warnings`,
    );
    for (const warning of ir.warnings) ctx.log(`warning ${warning.code}: ${warning.message}`);
  },
});
