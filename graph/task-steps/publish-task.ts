// After a task's outputs are in its folder (restored from the cache or just made): their digest, published into
// `<outDir>/<name>/`, the snapshot downstream reads, and the record that lets the next warm run skip all of it.
import { digestFiles, hashTree } from '../../cache/file-tree.js';
import type { VerifiedEntry } from '../../cache/local-cache.js';
import { inSpan } from '../../observability/tracing/index.js';
import type { TaskResult } from '../events.js';
import { publishOutputs } from '../publish.js';
import { takeSnapshot } from './take-snapshot.js';
import type { TaskEnv } from './task-env.js';
import type { TaskPlace } from './task-place.js';
import { warningsFromOutput } from './task-result.js';

/**
 * Sets `result.outputHash` and publishes; what publishing said joins the task's output and warnings. `entry` is the
 * cache entry the outputs came from or went to, `paths` the published paths: with both the publication is recorded.
 */
export async function publishTask(
  place: TaskPlace,
  hash: string,
  result: TaskResult,
  source: { entry?: VerifiedEntry; paths?: string[] },
  env: Pick<TaskEnv, 'run' | 'published' | 'publish'>,
): Promise<void> {
  const { node, task, brief, outDir, publishTo } = place;
  const { entry, paths } = source;
  result.outputHash = digestFiles(entry?.manifest.files ?? (await hashTree(outDir)));
  if (env.publish) {
    const said = await inSpan('qlf.publish', { 'qlf.stage': node.stage }, () =>
      publishOutputs(task, { ...publishTo, sourceDir: outDir }),
    );
    if (said.length > 0) result.terminalOutput = [result.terminalOutput, ...said].filter((l) => l !== '').join('\n');
    const warnings = [...(result.warnings ?? []), ...warningsFromOutput(said.join('\n'))];
    if (warnings.length > 0) result.warnings = warnings;
  }
  if (task.snapshot) {
    const input = { config: env.run.config, runDir: env.run.runDir, brief, published: env.publish, outputsDir: outDir };
    result.outputHash = await takeSnapshot(task, input);
  }
  if (env.publish && entry && paths) {
    // Best effort: without a record the next run takes this path again, which is slower but as correct.
    await env.published
      .record(brief.name, node.stage, { hash, outputHash: result.outputHash, entry, paths })
      .catch(() => undefined);
  }
}

/** A failed task whose stage publishes anyway (verify's report says why it failed); never cached, best effort. */
export async function publishFailure(place: TaskPlace, env: Pick<TaskEnv, 'publish'>): Promise<void> {
  const { task, outDir, publishTo } = place;
  if (!task.publishOnFailure || !env.publish) return;
  await publishOutputs(task, { ...publishTo, sourceDir: outDir }).catch(() => undefined);
}
