// The whole generate step as the CLI, the stage task and the Nx executor call it: the templates' service, plus, when a
// provider is chosen, the domain modules a model writes on top of it (checked before they are returned).

import { withTemplateFallback } from '../../../llm/fallback.js';
import type { IR } from '../../../schemas/ir.js';
import { runGenerate } from '../generate.js';
import { domainTasks } from './domain-tasks.js';
import type { GeneratedService, GenerateServiceOptions } from './service-options.js';

export async function generateService(ir: IR, options: GenerateServiceOptions): Promise<GeneratedService> {
  const tree = await runGenerate(ir);
  const { config } = options;
  const provider = config.generate.provider;
  if (provider === 'templates') return { tree, usage: { provider: 'templates', calls: [], totalUsd: 0 } };
  const tasks = domainTasks(ir);
  if (tasks.length === 0) {
    options.log(`${provider}: the brief asks for no domain logic beyond the templates; no model call`);
    return { tree, usage: { provider, calls: [], totalUsd: 0, note: 'no domain logic to write' } };
  }
  const { writeWithModel } = await import('./write-with-model.js');
  return withTemplateFallback(
    config.generate.fallback,
    () => writeWithModel(ir, tree, tasks, options),
    (reason) => {
      options.log(
        `fallback: the template-only service is kept; the model's domain modules were not written (${reason})`,
      );
      return { tree, usage: { provider, calls: [], totalUsd: 0, fallback: reason } };
    },
  );
}

export type { GeneratedService, GenerateServiceOptions } from './service-options.js';
