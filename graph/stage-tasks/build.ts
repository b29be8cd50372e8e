// The build stage as a task: reads the IR and the generated service, writes `build/` (Dockerfile, .dockerignore,
// the reproducible context tarball and build.json with the image or the reason it was skipped).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { defineStageTask } from '../stage-task.js';

export const buildTask = defineStageTask({
  stage: 'build',
  heavy: true,
  retryable: true,
  cacheable: true,
  reads: ['compile', 'generate'],
  outputs: ['build'],
  async inputs({ config, once }) {
    // Whether an engine answers changes the result (image or "skipped"), so it is part of the hash: a run after the
    // engine comes up builds instead of serving the cached skip. Asked once per run, so every build task of the run
    // hashes the same answer, with the build's own time limit (a busy engine answering late is still an engine).
    const engineKey = await once('build:engine', async () => {
      // Imported here, not at the top: the engine client is heavy and a warm run never needs it.
      const { connectEngine, engineAddress } = await import('../../executors/build/lib/engine.js');
      const engine = await connectEngine({ dockerHost: config.build.dockerHost, pingTimeoutMs: 3000 });
      return engine
        ? `engine:${engineAddress({ dockerHost: config.build.dockerHost })}:${engine.description}`
        : 'engine:none';
    });
    return [
      canonicalJson({
        baseImages: config.build.baseImages,
        isolation: config.build.isolation,
        strict: config.verify.strict,
      }),
      engineKey,
    ];
  },
  async run({ config, inputDir, outDir, log }) {
    const { runBuild } = await import('../../executors/build/build.js');
    // Loaded when the stage runs: a warm run hashes every task and runs none.
    const { irSchema } = await import('../../schemas/ir.js');
    const ir = irSchema.parse(JSON.parse(await readFile(join(inputDir, 'ir.json'), 'utf8')));
    const output = await runBuild(
      { ir, serviceDir: join(inputDir, 'service') },
      {
        strict: config.verify.strict,
        dockerHost: config.build.dockerHost,
        isolation: config.build.isolation,
        baseImages: config.build.baseImages,
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
    log(
      image.status === 'built'
        ? `image ${image.tag} (${image.reused ? 'reused' : 'built'}, ${image.id})`
        : `image: skipped (${image.reason})`,
    );
  },
});
