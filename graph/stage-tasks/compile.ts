// Stage task `compile`: brief file → `ir.json`. Hashes the brief bytes, every overlay file and the overlay settings.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { canonicalJson } from '../../core/canonical-json.js';
import { sha256 } from '../../core/hash.js';
import { builtinOverlayDir } from '../../overlays/lib/builtin-overlay-dir.js';
import { defineStageTask } from '../stage-task.js';

const digests = new Map<string, { mtimeMs: number; size: number; digest: string }>();

/** sha256 of a file, remembered while its mtime and size stay the same (every compile task hashes every overlay). */
async function fileDigest(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const known = digests.get(path);
  if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known.digest;
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes) return undefined;
  const digest = sha256(bytes);
  digests.set(path, { mtimeMs: info.mtimeMs, size: info.size, digest });
  return digest;
}

/**
 * `name sha256` of every overlay file qlf could load. Which overlays a brief applies is known only after compiling it,
 * so all of them are hashed: an overlay edit re-runs every compile, and early cutoff keeps the briefs whose IR did not
 * change cached downstream.
 */
async function overlayDigests(dirs: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const [index, dir] of [builtinOverlayDir(), ...dirs.map((d) => resolve(d))].entries()) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (!['.yaml', '.yml'].includes(extname(name))) continue;
      const digest = await fileDigest(join(dir, name));
      if (digest) lines.push(`overlay ${index}/${name} ${digest}`);
    }
  }
  return lines;
}

export const compileTask = defineStageTask({
  stage: 'compile',
  heavy: false,
  retryable: false,
  cacheable: true,
  reads: [],
  outputs: ['ir.json'],
  async inputs(ctx) {
    return [
      await readFile(ctx.brief.file),
      ...(await ctx.once('compile:overlay-digests', () => overlayDigests(ctx.config.overlays.dirs))),
      // Only the settings compile reads: editing `run`, `cache.remote` or a later stage's settings re-runs no compile,
      // and machines whose configs differ elsewhere still share compile results through the remote cache.
      `config ${canonicalJson({
        overlays: {
          dirs: ctx.config.overlays.dirs.map((dir) => relative(ctx.config.root, dir).split(sep).join('/')),
          autoApplyThreshold: ctx.config.overlays.autoApplyThreshold,
        },
      })}`,
    ];
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
