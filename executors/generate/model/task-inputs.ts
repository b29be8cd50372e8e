// The generate task's hash parts when a model writes: everything that shapes the request, so a changed prompt
// template or model is a new task, and nothing that does not (keys, budget, retries) so the cache survives them.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { listFiles } from '../../../cache/file-tree.js';
import { canonicalJson } from '../../../core/canonical-json.js';
import { resolveInside } from '../../../core/safe-path.js';
import type { ResolvedConfig } from '../../../workspace/config.js';

export async function modelTaskInputs(config: ResolvedConfig): Promise<(string | Uint8Array)[]> {
  const { provider, model, fallback } = config.generate;
  const { maxOutputTokens, maxRepairs, allowScaffold, failover, aliases, providers } = config.llm;
  const settings = canonicalJson({ provider, model, fallback, maxOutputTokens, maxRepairs, allowScaffold, failover });
  const parts: (string | Uint8Array)[] = [settings, canonicalJson({ aliases, providers })];
  const dir = resolveInside(config.root, config.llm.promptsDir);
  const files = await listFiles(dir).catch(() => [] as string[]);
  for (const file of files.sort()) {
    parts.push(`prompt ${relative(config.root, join(dir, file))}`, await readFile(join(dir, file)));
  }
  return parts;
}
