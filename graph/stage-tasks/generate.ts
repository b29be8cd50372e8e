// Stage task `generate`: `ir.json` → `service/`. Published through the three-way merge so user edits survive.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listFiles } from '../../cache/file-tree.js';
import { resolveInside } from '../../core/safe-path.js';
import type { GeneratedTree } from '../../schemas/generated-tree.js';
import { defineStageTask } from '../stage-task.js';

/** Reads a generated service folder back into a tree (for publishing a cached or freshly written output). */
async function readTree(name: string, serviceDir: string): Promise<GeneratedTree> {
  const files = await Promise.all(
    (await listFiles(serviceDir)).map(async (path) => {
      const abs = join(serviceDir, ...path.split('/'));
      return { path, content: await readFile(abs, 'utf8'), mode: (await stat(abs)).mode & 0o777, agent: 'qlf-cache' };
    }),
  );
  return { name, files, agents: [] };
}

export const generateTask = defineStageTask({
  stage: 'generate',
  heavy: false,
  retryable: false,
  cacheable: true,
  reads: ['compile'],
  outputs: ['service'],
  async inputs(ctx) {
    return [`provider ${ctx.config.generate.provider}`];
  },
  async run(ctx) {
    // Loaded when the stage runs: a warm run hashes every task and runs none.
    const { irSchema } = await import('../../schemas/ir.js');
    const ir = irSchema.parse(JSON.parse(await readFile(join(ctx.inputDir, 'ir.json'), 'utf8')));
    const { runGenerate } = await import('../../executors/generate/generate.js');
    const tree = await runGenerate(ir);
    const service = join(ctx.outDir, 'service');
    for (const file of tree.files) {
      const target = resolveInside(service, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content, { mode: file.mode ?? 0o644 });
    }
    ctx.log(`generated ${tree.files.length} files (${tree.agents.map((a) => a.agent).join(', ')})`);
  },
  async publish({ config, brief, sourceDir, targetDir }) {
    const { writeGeneratedTree } = await import('../../executors/generate/lib/write-tree.js');
    const tree = await readTree(brief.name, join(sourceDir, 'service'));
    await writeGeneratedTree(
      tree,
      join(targetDir, 'service'),
      resolveInside(join(config.root, '.qlf', 'base'), brief.name),
    );
  },
});
