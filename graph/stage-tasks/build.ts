// The build stage as a task: reads the IR and the generated service, writes `build/` (Dockerfile, .dockerignore,
// the reproducible context tarball and build.json with the image or the reason it was skipped).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { canonicalJson } from '../../core/canonical-json.js';
import type { BuildResult } from '../../schemas/build-result.js';
import { defineStageTask } from '../stage-task.js';
import { STAGE_OUTPUTS } from '../stages.js';

export const buildTask = defineStageTask({
  stage: 'build',
  heavy: true,
  retryable: true,
  cacheable: true,
  reads: ['compile', 'generate'],
  outputs: [...STAGE_OUTPUTS.build],
  async inputs({ config }) {
    // Where the engine is, never whether it answered: a cache key must not depend on a timing. A result without an
    // image is never cached (see `run`), and a cached image is checked to still exist before it is served.
    const { engineAddress } = await import('../../executors/build/lib/engine.js');
    return [
      canonicalJson({
        baseImages: config.build.baseImages,
        isolation: config.build.isolation,
        strict: config.verify.strict,
        engine: config.build.image
          ? engineAddress({ dockerHost: config.build.dockerHost })
          : 'none: build.image is false',
      }),
    ];
  },
  async validateHit({ config, outputsDir, once }) {
    const result = JSON.parse(await readFile(join(outputsDir, 'build', 'build.json'), 'utf8')) as BuildResult;
    // A build the config turned off is a result like any other; one skipped for want of an engine is never cached.
    if (result.image.status !== 'built') return !config.build.image;
    const { connectEngine, imageId } = await import('../../executors/build/lib/engine.js');
    // One connection per run, with the build's own time limit; an engine that does not answer serves no hit.
    const engine = await once('build:engine', () => connectEngine({ dockerHost: config.build.dockerHost }));
    if (!engine) return false;
    return (await imageId(engine, result.image.tag).catch(() => undefined)) === result.image.id;
  },
  async run({ config, inputDir, serviceDir, outDir, log, skip }) {
    const { runBuild } = await import('../../executors/build/build.js');
    // Loaded when the stage runs: a warm run hashes every task and runs none.
    const { irSchema } = await import('../../schemas/ir.js');
    const ir = irSchema.parse(JSON.parse(await readFile(join(inputDir, 'ir.json'), 'utf8')));
    const output = await runBuild(
      { ir, serviceDir },
      {
        strict: config.verify.strict,
        dockerHost: config.build.dockerHost,
        isolation: config.build.isolation,
        baseImages: config.build.baseImages,
        noEngine: !config.build.image,
      },
    );
    const dir = join(outDir, 'build');
    await writeFileAtomic(join(dir, 'Dockerfile'), output.dockerfile);
    await writeFileAtomic(join(dir, '.dockerignore'), output.dockerignore);
    await writeFileAtomic(join(dir, 'context.tar'), output.contextTar);
    const image = output.result.image;
    const recorded = { ...image };
    if (recorded.status === 'built') delete recorded.reused;
    await writeFileAtomic(join(dir, 'build.json'), canonicalJson({ ...output.result, image: recorded }));
    if (image.status === 'built') log(`image ${image.tag} (${image.reused ? 'reused' : 'built'}, ${image.id})`);
    // Turned off in the config (part of the hash): cacheable. No engine answering: another run may do better.
    else skip('image', image.reason, { keyed: !config.build.image });
  },
});
