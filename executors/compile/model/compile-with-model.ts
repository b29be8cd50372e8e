// `qlf compile --provider`: the rule-based IR first, then the model asked for the facts of the description under the
// JSON Schema of `schemas/model-facts.ts`, its answer held to that schema (repairs bounded by `llm.maxRepairs`), and
// the brief compiled again with the facts merged. Loaded only when a provider is chosen.

import { withTemplateFallback } from '../../../llm/fallback.js';
import { composePrompt } from '../../../llm/prompts/compose.js';
import { askWithRepairs } from '../../../llm/repair-loop.js';
import { LlmSession } from '../../../llm/session.js';
import { parseJsonAnswer } from '../../../llm/soc/index.js';
import type { ProviderName } from '../../../schemas/llm.js';
import { modelFactsJsonSchema, modelFactsSchema } from '../../../schemas/model-facts.js';
import type { ResolvedConfig } from '../../../workspace/config.js';
import type { UsageReport } from '../../generate/model/usage-report.js';
import { totalOf } from '../../generate/model/usage-report.js';
import { type CompileInput, type CompileResult, runCompile } from '../compile.js';

export interface ModelCompileResult extends CompileResult {
  usage: UsageReport;
}

export async function compileWithModel(
  input: CompileInput,
  options: { config: ResolvedConfig; env?: NodeJS.ProcessEnv; log(line: string): void },
): Promise<ModelCompileResult> {
  const { config } = options;
  const rules = await runCompile(input);
  const provider = config.generate.provider as ProviderName;
  return withTemplateFallback<ModelCompileResult>(
    config.generate.fallback,
    async () => {
      const session = LlmSession.open(config, {
        provider,
        ...(config.generate.model ? { model: config.generate.model } : {}),
        ...(options.env ? { env: options.env } : {}),
        brief: rules.ir.name,
        log: options.log,
      });
      const prompt = composePrompt({
        agent: 'compile',
        ir: rules.ir,
        overridesDir: config.llm.promptsDir,
        root: config.root,
        vars: { factsSchema: modelFactsJsonSchema() },
      });
      const { value: facts } = await askWithRepairs({
        prompt: prompt.user,
        maxRepairs: config.llm.maxRepairs,
        ask: (messages) => session.complete('compile', prompt.system, messages),
        async accept(answer) {
          const facts = parseJsonAnswer(answer.text, modelFactsSchema);
          await session.remember(answer);
          return { ok: true, value: facts };
        },
        log: options.log,
        subject: "the model's facts",
        hint: 'Try another model (--model), or compile without --provider (the rule-based compiler).',
      });
      const result = await runCompile({ ...input, modelFacts: facts });
      const usage = { provider, model: session.model, calls: session.records, totalUsd: totalOf(session.records) };
      return { ...result, usage };
    },
    (reason) => {
      options.log(`fallback: the rule-based IR is kept (${reason})`);
      return { ...rules, usage: { provider, calls: [], totalUsd: 0, fallback: reason } };
    },
  );
}
