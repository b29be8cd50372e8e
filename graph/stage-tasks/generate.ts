// Stage task `generate`: `ir.json` → the pristine generated tree (`generated/`, cached) and the lock the working copy
// will record (`generated.lock.json`). Publishing merges that tree into the service's working copy, the user's source
// (a three-way merge that keeps every edit); a conflict fails the task. Downstream stages read a snapshot of the
// working copy, and their task hashes its content: what the user edited is what is verified, built and packaged.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { listFiles } from '../../cache/file-tree.js';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { qlfVersion } from '../../core/package-info.js';
import { resolveInside } from '../../core/safe-path.js';
import type { GeneratedTree } from '../../schemas/generated-tree.js';
import type { GenerationLock } from '../../schemas/generation-lock.js';
import type { IR } from '../../schemas/ir.js';
import { localBaseDir, serviceDirOf } from '../../workspace/working-copy.js';
import { publishDeclaredOutputs } from '../publish.js';
import { defineStageTask } from '../stage-task.js';
import { GENERATED_DIR, GENERATED_LOCK, LLM_USAGE, SOURCE_MANIFEST, STAGE_OUTPUTS } from '../stages.js';

export { GENERATED_DIR, GENERATED_LOCK, LLM_USAGE, SOURCE_MANIFEST } from '../stages.js';

/**
 * Reads a generated folder (a fresh or cached output) back into a tree. Modes come from its lock, as the generator set
 * them: the files' own modes went through this machine's umask and the cache.
 */
async function readTree(name: string, dir: string, lock: GenerationLock): Promise<GeneratedTree> {
  // Read synchronously: ~50 small files, where asynchronous reads cost this thread ten times the CPU.
  const files = (await listFiles(dir)).map((path) => {
    const mode = lock.files[path]?.mode ?? 0o644;
    return { path, content: readFileSync(join(dir, ...path.split('/')), 'utf8'), mode, agent: 'qlf-cache' };
  });
  return { name, files, agents: [] };
}

export const generateTask = defineStageTask({
  stage: 'generate',
  heavy: false,
  retryable: false,
  cacheable: true,
  reads: ['compile'],
  outputs: [...STAGE_OUTPUTS.generate],
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
    const files = tree.files.map((file) => ({ file, target: resolveInside(dir, file.path) }));
    // Each folder made once, then the files written together: a service is ~50 files in a dozen folders.
    for (const folder of new Set(files.map(({ target }) => dirname(target)))) await mkdir(folder, { recursive: true });
    await Promise.all(files.map(({ file, target }) => writeFile(target, file.content, { mode: file.mode ?? 0o644 })));
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
    const lock = JSON.parse(await readFile(join(sourceDir, GENERATED_LOCK), 'utf8')) as GenerationLock;
    const tree = await readTree(brief.name, join(sourceDir, GENERATED_DIR), lock);
    const serviceDir = serviceDirOf(config, brief.file);
    const outcome = await mergeIntoWorkingCopy(tree, serviceDir, {
      localBase: localBaseDir(config, brief.name),
      ir: lock.ir,
      generator: lock.generator,
      regenerate: generateFromRecordedIr,
      // The lock is this task's own output (its run validated the IR, the cache checks every file's digest): parsing
      // the IR again would cost every publish a schema pass on this thread for nothing.
      schema: migrationSchemaOf(lock.ir as IR),
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
