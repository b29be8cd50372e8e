// Stage task `generate`: `ir.json` → the pristine generated tree (`generated/`, cached) and the lock the working copy
// will record (`generated.lock.json`). Publishing merges that tree into the service's working copy, the user's source
// (a three-way merge that keeps every edit); a conflict fails the task. Downstream stages read a snapshot of the
// working copy, and their task hashes its content: what the user edited is what is verified, built and packaged.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { listFiles } from '../../cache/file-tree.js';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { qlfVersion } from '../../core/package-info.js';
import { resolveInside } from '../../core/safe-path.js';
import type { GeneratedTree } from '../../schemas/generated-tree.js';
import type { GenerationLock } from '../../schemas/generation-lock.js';
import { localBaseDir, serviceDirOf } from '../../workspace/working-copy.js';
import { publishDeclaredOutputs } from '../publish.js';
import { defineStageTask } from '../stage-task.js';

/** The pristine tree, as published under `<outDir>/<name>/`. */
export const GENERATED_DIR = 'generated';
/** The lock the working copy gets: the IR and the digest of every generated file. */
export const GENERATED_LOCK = 'generated.lock.json';
/** What the model calls of this generation cost (`templates`: none); `qlf run` sums it per brief and in total. */
export const LLM_USAGE = 'llm-usage.json';
/** The manifest of the working copy's shipped files after the merge: what downstream stages (and Nx hashes) read. */
export const SOURCE_MANIFEST = 'source.json';

/**
 * Reads a generated folder (a fresh or cached output) back into a tree. Modes come from its lock, as the generator set
 * them: the files' own modes went through this machine's umask and the cache.
 */
async function readTree(name: string, dir: string, lock: GenerationLock): Promise<GeneratedTree> {
  const files = await Promise.all(
    (await listFiles(dir)).map(async (path) => {
      const abs = join(dir, ...path.split('/'));
      const mode = lock.files[path]?.mode ?? 0o644;
      return { path, content: await readFile(abs, 'utf8'), mode, agent: 'qlf-cache' };
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
  outputs: [GENERATED_DIR, GENERATED_LOCK, LLM_USAGE],
  async inputs(ctx) {
    const { provider } = ctx.config.generate;
    if (provider === 'templates') return [`provider ${provider}`];
    // What decides a model's answer: the provider settings that shape the request and the team's prompt templates.
    // Never the keys (they are not in the config), never the budget or the retry policy (they change no answer).
    const { modelTaskInputs } = await import('../../executors/generate/model/task-inputs.js');
    return modelTaskInputs(ctx.config);
  },
  async run(ctx) {
    // Loaded when the stage runs: a warm run hashes every task and runs none.
    const { irSchema } = await import('../../schemas/ir.js');
    const irJson = JSON.parse(await readFile(join(ctx.inputDir, 'ir.json'), 'utf8')) as Record<string, unknown>;
    const ir = irSchema.parse(irJson);
    const { generateService } = await import('../../executors/generate/model/generate-service.js');
    const { lockOf } = await import('../../executors/generate/lib/working-copy-merge.js');
    const { tree, usage } = await generateService(ir, { config: ctx.config, brief: ctx.brief.name, log: ctx.log });
    const dir = join(ctx.outDir, GENERATED_DIR);
    for (const file of tree.files) {
      const target = resolveInside(dir, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content, { mode: file.mode ?? 0o644 });
    }
    const generator = { qlf: qlfVersion(), provider: usage.provider, ...(usage.model ? { model: usage.model } : {}) };
    await writeFile(join(ctx.outDir, GENERATED_LOCK), canonicalJson(lockOf(tree, irJson, generator)));
    await writeFile(join(ctx.outDir, LLM_USAGE), canonicalJson(usage));
    ctx.log(`generated ${tree.files.length} files (${tree.agents.map((a) => a.agent).join(', ')})`);
  },
  async publish(input) {
    const { config, brief, sourceDir } = input;
    await publishDeclaredOutputs(generateTask, input);
    const { mergeIntoWorkingCopy, assertNoConflicts, describeMerge } = await import(
      '../../executors/generate/lib/working-copy-merge.js'
    );
    const { generateFromRecordedIr, migrationSchemaOf } = await import('../../executors/generate/generate.js');
    const { irSchema } = await import('../../schemas/ir.js');
    const lock = JSON.parse(await readFile(join(sourceDir, GENERATED_LOCK), 'utf8')) as GenerationLock;
    const tree = await readTree(brief.name, join(sourceDir, GENERATED_DIR), lock);
    const serviceDir = serviceDirOf(config, brief.file);
    const outcome = await mergeIntoWorkingCopy(tree, serviceDir, {
      localBase: localBaseDir(config, brief.name),
      ir: lock.ir,
      generator: lock.generator,
      regenerate: generateFromRecordedIr,
      schema: migrationSchemaOf(irSchema.parse(lock.ir)),
    });
    assertNoConflicts(outcome, relative(config.root, serviceDir));
    return describeMerge(outcome);
  },
  async snapshot({ config, brief, targetDir, snapshotDir, published, outputsDir }) {
    // Unpublished (a run that writes nothing), downstream stages read the pristine tree.
    const from = published ? serviceDirOf(config, brief.file) : join(outputsDir, GENERATED_DIR);
    // Loaded here: a warm run takes no snapshot and never needs the ignore-file parser.
    const { snapshotSource } = await import('../../core/source-tree.js');
    const manifest = await snapshotSource(from, join(snapshotDir, 'service'));
    if (published) {
      const file = join(targetDir, SOURCE_MANIFEST);
      const text = canonicalJson(manifest);
      // Written only when it changed, so its stat stamp (checked by warm runs) stays put otherwise.
      if ((await readFile(file, 'utf8').catch(() => undefined)) !== text) await writeFileAtomic(file, text);
    }
    return manifest.digest;
  },
});
