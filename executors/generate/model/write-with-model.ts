// Generate with a model: compose the domain prompt, open the provider session, and let `writeDomainModules` hold the
// answer to the contract and the checks. Loaded only when a provider is chosen.
import { composePrompt } from '../../../llm/prompts/compose.js';
import { type LlmAnswer, LlmSession } from '../../../llm/session.js';
import { parseFileAnswer } from '../../../llm/soc/index.js';
import { DOMAIN_ANSWER_POLICY } from '../../../llm/soc/policy.js';
import type { GeneratedTree } from '../../../schemas/generated-tree.js';
import type { IR } from '../../../schemas/ir.js';
import type { ProviderName } from '../../../schemas/llm.js';
import { checkModelFiles } from './check-model-files.js';
import type { DomainTask } from './domain-tasks.js';
import type { GeneratedService, GenerateServiceOptions } from './service-options.js';
import { totalOf } from './usage-report.js';
import { type ModelAnswer, withModelFiles, writeDomainModules } from './write-domain.js';

export async function writeWithModel(
  ir: IR,
  tree: GeneratedTree,
  tasks: DomainTask[],
  options: GenerateServiceOptions,
): Promise<GeneratedService> {
  const { config } = options;
  const provider = config.generate.provider as ProviderName;
  const session = LlmSession.open(config, {
    provider,
    ...(config.generate.model ? { model: config.generate.model } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.brief ? { brief: options.brief } : {}),
    log: options.log,
  });
  const allowScaffold = config.llm.allowScaffold;
  const policy = {
    ...DOMAIN_ANSWER_POLICY,
    allowed: [...DOMAIN_ANSWER_POLICY.allowed, ...allowScaffold],
    allowScaffold,
  };
  const prompt = composePrompt({
    agent: 'domain',
    ir,
    overridesDir: config.llm.promptsDir,
    root: config.root,
    vars: { tasks, allowed: [...policy.allowed] },
  });
  const answers = new Map<ModelAnswer, LlmAnswer>();
  const result = await writeDomainModules({
    ir,
    tree,
    prompt: prompt.user,
    maxRepairs: config.llm.maxRepairs,
    agent: `model:${session.provider}/${session.model}`,
    log: options.log,
    caller: {
      async complete(messages) {
        const answer = await session.complete('domain', prompt.system, messages);
        const own: ModelAnswer = { text: answer.text, cached: answer.record.cached };
        answers.set(own, answer);
        return own;
      },
      async remember(_messages, answer) {
        const full = answers.get(answer);
        if (full) await session.remember(full);
      },
    },
    parse: (text) => parseFileAnswer(text, policy).files,
    check: (files) =>
      checkModelFiles(ir, tree, files, {
        timeoutMs: Math.min(config.verify.timeoutMs, 120_000),
        ...(config.python.interpreter ? { python: config.python.interpreter } : {}),
        ...(options.env ? { env: options.env } : {}),
      }),
  });
  const calls = session.records;
  // Who wrote the files: the provider of the accepted answer, which failover may have moved along the chain.
  const by = calls.at(-1) ?? { provider: session.provider, model: session.model };
  options.log(
    `${by.provider} ${by.model}: ${result.files.length} domain files (${tasks.map((t) => t.module).join(', ')}), ` +
      `${calls.length} call(s)${result.rejections.length > 0 ? `, ${result.rejections.length} answer(s) rejected` : ''}`,
  );
  return {
    tree: withModelFiles(tree, result.files),
    usage: { provider: by.provider, model: by.model, calls, totalUsd: totalOf(calls) },
  };
}
