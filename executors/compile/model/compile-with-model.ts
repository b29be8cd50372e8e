// `qlf compile --provider`: the rule-based IR first, then the model asked for the facts of the description under the
// JSON Schema of `schemas/model-facts.ts`, its answer held to that schema (repairs bounded by `llm.maxRepairs`), and
// the brief compiled again with the facts merged. Loaded only when a provider is chosen.

import { isQlfError, workError } from '../../../core/errors.js';
import { composePrompt } from '../../../llm/prompts/compose.js';
import { LlmSession } from '../../../llm/session.js';
import { parseJsonAnswer } from '../../../llm/soc/index.js';
import type { LlmMessage } from '../../../llm/types.js';
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
  try {
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
    const messages: LlmMessage[] = [{ role: 'user', content: prompt.user }];
    for (let attempt = 0; attempt <= config.llm.maxRepairs; attempt++) {
      const answer = await session.complete('compile', prompt.system, messages);
      try {
        const facts = parseJsonAnswer(answer.text, modelFactsSchema);
        await session.remember(answer);
        const result = await runCompile({ ...input, modelFacts: facts });
        const usage = { provider, model: session.model, calls: session.records, totalUsd: totalOf(session.records) };
        return { ...result, usage };
      } catch (error) {
        const rejection = error as { code?: string; feedback?: () => string };
        if (!isQlfError(error) || !rejection.code?.startsWith('E_SOC_') || !rejection.feedback) throw error;
        options.log(`model answer ${attempt + 1} rejected (${rejection.code}): ${error.message.slice(0, 160)}`);
        messages.push({ role: 'assistant', content: answer.text }, { role: 'user', content: rejection.feedback() });
      }
    }
    throw workError('E_MODEL_REJECTED', `the model's facts were rejected ${config.llm.maxRepairs + 1} times`, {
      hint: 'Try another model (--model), or compile without --provider (the rule-based compiler).',
    });
  } catch (error) {
    if (config.generate.fallback !== 'template' || (isQlfError(error) && error.kind === 'input')) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    options.log(`fallback: the rule-based IR is kept (${reason})`);
    return { ...rules, usage: { provider, calls: [], totalUsd: 0, fallback: reason } };
  }
}
