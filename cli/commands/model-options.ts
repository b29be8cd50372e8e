// `--provider`, `--model` and `--fallback`, shared by the commands that may ask a model (generate, compile, run).

import { inputError } from '../../core/errors.js';
import type { UsageReport } from '../../executors/generate/model/usage-report.js';
import { formatUsd } from '../../llm/cost/cost.js';
import { generatorName } from '../../schemas/llm.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { OptionSpec } from '../command.js';

export const MODEL_OPTIONS = {
  provider: {
    type: 'string',
    description: `Who writes the domain logic: ${generatorName.options.join(', ')} (default: generate.provider).`,
    valueName: 'name',
  },
  model: {
    type: 'string',
    description: "Model id or alias (sonnet, haiku, gpt4, nova), default: the provider's defaultModel.",
    valueName: 'id',
  },
  fallback: {
    type: 'string',
    description: "When the model's answer cannot be used: none (fail) or template (keep the template-only service).",
    valueName: 'none|template',
  },
} as const satisfies Record<string, OptionSpec>;

/** The config with the command line's choices over `generate.provider`, `generate.model` and `generate.fallback`. */
export function applyModelOptions(
  config: ResolvedConfig,
  values: { provider?: string | undefined; model?: string | undefined; fallback?: string | undefined },
): ResolvedConfig {
  const generate = { ...config.generate };
  if (values.provider !== undefined) {
    const parsed = generatorName.safeParse(values.provider);
    if (!parsed.success) {
      throw inputError('E_USAGE', `unknown provider ${JSON.stringify(values.provider)}`, {
        hint: `Use --provider ${generatorName.options.join('|')}.`,
      });
    }
    generate.provider = parsed.data;
  }
  if (values.model !== undefined) {
    if (values.model.trim() === '') throw inputError('E_USAGE', '--model needs a model id or alias');
    generate.model = values.model;
  }
  if (values.fallback !== undefined) {
    if (values.fallback !== 'none' && values.fallback !== 'template') {
      throw inputError('E_USAGE', `unknown fallback ${JSON.stringify(values.fallback)}`, {
        hint: 'Use --fallback none (fail the task) or --fallback template (keep the template-only service).',
      });
    }
    generate.fallback = values.fallback;
  }
  return { ...config, generate };
}

/** `anthropic claude-sonnet-4-5: 1 call (0 cached), 3,120 in / 2,410 out tokens, $0.045510`. */
export function usageLine(usage: UsageReport): string {
  if (usage.fallback) return `${usage.provider}: not used (${usage.fallback}); the template-only service was kept`;
  if (usage.calls.length === 0) return `${usage.provider}: no call (${usage.note ?? 'nothing to ask'})`;
  const input = usage.calls.reduce((n, c) => n + c.inputTokens, 0);
  const output = usage.calls.reduce((n, c) => n + c.outputTokens, 0);
  const cached = usage.calls.filter((c) => c.cached).length;
  const count = (n: number) => n.toLocaleString('en-US');
  return (
    `${usage.provider} ${usage.model ?? ''}: ${usage.calls.length} call(s) (${cached} from the response cache), ` +
    `${count(input)} in / ${count(output)} out tokens, ${formatUsd(usage.totalUsd)}`
  );
}
