// What generate with or without a model is given and gives back (shared by the entry and the lazily loaded model path).
import type { GeneratedTree } from '../../../schemas/generated-tree.js';
import type { ResolvedConfig } from '../../../workspace/config.js';
import type { UsageReport } from './usage-report.js';

export interface GenerateServiceOptions {
  config: ResolvedConfig;
  env?: NodeJS.ProcessEnv;
  /** The brief's name, for the usage ledger. */
  brief?: string;
  log(line: string): void;
}

export interface GeneratedService {
  tree: GeneratedTree;
  /** Who wrote what: `templates`, or the provider and model (and what the calls cost). */
  usage: UsageReport;
}
