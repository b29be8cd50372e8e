// Where qlf keeps LLM state (the usage ledger, the response cache): beside the task cache, `.qlf/llm/` for the
// default `.qlf/cache`. Its own module so that metrics can read the ledger without loading any provider SDK.
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../workspace/config.js';

export function llmStateDir(config: Pick<ResolvedConfig, 'cacheDir'>): string {
  return join(dirname(config.cacheDir), 'llm');
}
