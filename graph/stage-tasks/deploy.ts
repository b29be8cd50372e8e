// Stage task `deploy`: `ir.json` + `build/build.json` → `deploy/`, the service's Kubernetes objects (one YAML file per
// object under `base/`, kustomization files, `deploy.json`). Rendering is cached like every stage; applying them to a
// cluster changes the world, so it is never part of a task: `qlf deploy` (and the Nx `deploy` target) renders through
// this task, then applies.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../../core/canonical-json.js';
import { workError } from '../../core/errors.js';
import { qlfVersion } from '../../core/package-info.js';
import { resolveInside } from '../../core/safe-path.js';
import { inSpan } from '../../observability/tracing/index.js';
import type { BuildResult } from '../../schemas/build-result.js';
import { defineStageTask } from '../stage-task.js';
import { DEPLOY_DIR, STAGE_OUTPUTS } from '../stages.js';

export { DEPLOY_DIR } from '../stages.js';
/** What was rendered: the objects in apply order, and warnings (an image by tag). */
export const DEPLOY_MANIFEST = 'deploy.json';

export const deployTask = defineStageTask({
  stage: 'deploy',
  heavy: false,
  retryable: false,
  cacheable: true,
  reads: ['compile', 'build'],
  outputs: [...STAGE_OUTPUTS.deploy],
  async inputs({ config }) {
    return [`deploy ${canonicalJson(config.deploy)}`];
  },
  async run(ctx) {
    // Loaded when the stage runs: a warm run hashes every task and runs none.
    const { irSchema } = await import('../../schemas/ir.js');
    const { renderDeployment } = await import('../../executors/deploy/render.js');
    const { validateObjects } = await import('../../executors/deploy/render/validate.js');
    const ir = irSchema.parse(JSON.parse(await readFile(join(ctx.inputDir, 'ir.json'), 'utf8')));
    const buildFile = join(ctx.inputDir, 'build', 'build.json');
    const build = JSON.parse(await readFile(buildFile, 'utf8').catch(() => 'null')) as BuildResult | null;
    // Each step is a span under the stage's `qlf.stage.run` (no-ops unless the run is traced).
    const result = await inSpan('qlf.deploy.render', { 'qlf.brief': ir.name }, async (span) => {
      const rendered = renderDeployment({
        ir,
        ...(build ? { build } : {}),
        config: ctx.config.deploy,
        qlfVersion: qlfVersion(),
      });
      span.setAttribute('qlf.deploy.objects', rendered.objects.length);
      return rendered;
    });
    const problems = await inSpan('qlf.deploy.validate', { 'qlf.brief': ir.name }, async () =>
      validateObjects(result.objects),
    );
    if (problems.length > 0) {
      throw workError(
        'E_DEPLOY_INVALID',
        `${problems.length} rendered object(s) fail the Kubernetes schema:\n${problems.map((p) => `  ${p}`).join('\n')}`,
        {
          hint: 'This is a qlf bug: report it with the brief.',
        },
      );
    }
    const dir = join(ctx.outDir, DEPLOY_DIR);
    await inSpan('qlf.deploy.write', { 'qlf.deploy.files': result.files.length }, async () => {
      for (const file of result.files) {
        const target = resolveInside(dir, file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content);
      }
    });
    const manifest = {
      name: ir.name,
      objects: result.objects.map(({ kind, metadata }) => ({
        kind,
        name: metadata.name,
        namespace: metadata.namespace,
      })),
      warnings: result.warnings,
    };
    await writeFile(join(dir, DEPLOY_MANIFEST), canonicalJson(manifest));
    for (const warning of result.warnings) ctx.log(`warning: ${warning}`);
    ctx.log(
      `rendered ${result.objects.length} objects (${[...new Set(result.objects.map((o) => o.kind))].join(', ')})`,
    );
  },
});
