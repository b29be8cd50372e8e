// Model ids, aliases and prices: what `--model sonnet` means on each provider, and what a call costs before it is made.
// The built-in tables are a starting point; `llm.aliases` and `llm.prices` in qlf.config.ts are merged over them.
import { inputError } from '../../core/errors.js';
import type { LlmConfig, ModelPrice, ProviderName } from '../../schemas/llm.js';

const claudeSonnet = { inputPerMTok: 3, outputPerMTok: 15 };
const claudeHaiku = { inputPerMTok: 1, outputPerMTok: 5 };
const claudeOpus = { inputPerMTok: 15, outputPerMTok: 75 };

/** USD per million tokens, from the providers' public price lists (on-demand, standard tier). */
export const BUILTIN_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  // OpenAI (Azure deployments named after the model share these).
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  // Anthropic: the alias ids and the dated ids the API reports back.
  'claude-sonnet-4-5': claudeSonnet,
  'claude-sonnet-4-5-20250929': claudeSonnet,
  'claude-haiku-4-5': claudeHaiku,
  'claude-haiku-4-5-20251001': claudeHaiku,
  'claude-opus-4-1': claudeOpus,
  'claude-opus-4-1-20250805': claudeOpus,
  // Bedrock model ids; cross-region profiles (`us.`, `eu.`, `apac.`, `global.`) are priced as the bare id.
  'anthropic.claude-sonnet-4-5-20250929-v1:0': claudeSonnet,
  'anthropic.claude-haiku-4-5-20251001-v1:0': claudeHaiku,
  'anthropic.claude-opus-4-1-20250805-v1:0': claudeOpus,
  'amazon.nova-pro-v1:0': { inputPerMTok: 0.8, outputPerMTok: 3.2 },
  'amazon.nova-lite-v1:0': { inputPerMTok: 0.06, outputPerMTok: 0.24 },
  'amazon.nova-micro-v1:0': { inputPerMTok: 0.035, outputPerMTok: 0.14 },
});

/**
 * Aliases as users type them, per provider. On Azure the value is a deployment name: these assume deployments named
 * after their model, which teams with other names set in `llm.aliases`. Bedrock Claude models are called through the
 * `us.` inference profile; teams in other regions alias `eu.`/`apac.`/`global.` ids instead.
 */
export const BUILTIN_ALIASES: Readonly<Record<string, Partial<Record<ProviderName, string>>>> = Object.freeze({
  sonnet: { anthropic: 'claude-sonnet-4-5', bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  haiku: { anthropic: 'claude-haiku-4-5', bedrock: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' },
  opus: { anthropic: 'claude-opus-4-1', bedrock: 'us.anthropic.claude-opus-4-1-20250805-v1:0' },
  gpt4: { openai: 'gpt-4.1', azure: 'gpt-4.1' },
  gpt4o: { openai: 'gpt-4o', azure: 'gpt-4o' },
  mini: { openai: 'gpt-4.1-mini', azure: 'gpt-4.1-mini' },
  nova: { bedrock: 'amazon.nova-pro-v1:0' },
});

/** The model used when neither the command nor `llm.providers.<name>.defaultModel` names one. */
export const BUILTIN_DEFAULT_MODELS: Readonly<Record<ProviderName, string>> = Object.freeze({
  openai: 'gpt-4.1',
  azure: 'gpt-4.1',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
});

/** Bedrock cross-region inference profile prefixes: the same model, billed as the bare id. */
const INFERENCE_PROFILE = /^(?:us|eu|apac|global)\./;

/**
 * The model id to send to `provider`: `modelOrAlias` (else the provider's `defaultModel`, else the built-in default),
 * with an alias replaced by its model for that provider. An alias that names no model for the provider is refused,
 * since sending it as an id would fail at the provider with a less helpful message.
 */
export function resolveModel(
  provider: ProviderName,
  modelOrAlias: string | undefined,
  config: Pick<LlmConfig, 'aliases' | 'providers'>,
): string {
  const name = modelOrAlias ?? config.providers[provider]?.defaultModel ?? BUILTIN_DEFAULT_MODELS[provider];
  const builtin = Object.hasOwn(BUILTIN_ALIASES, name) ? BUILTIN_ALIASES[name] : undefined;
  const configured = Object.hasOwn(config.aliases, name) ? config.aliases[name] : undefined;
  if (!builtin && !configured) return name;
  const target = configured?.[provider] ?? builtin?.[provider];
  if (target) return target;
  const known = Object.keys({ ...builtin, ...configured }).sort();
  throw inputError('E_LLM_ALIAS', `model alias "${name}" names no model for provider ${provider}`, {
    hint: `use it with ${known.join(' or ')}, give a model id, or add llm.aliases['${name}'].${provider} in qlf.config.ts`,
  });
}

/** The price of `model`: `llm.prices` first, then the built-in table. Throws when neither knows it. */
export function priceOf(model: string, config: Pick<LlmConfig, 'prices'>): ModelPrice {
  const bare = model.replace(INFERENCE_PROFILE, '');
  for (const id of bare === model ? [model] : [model, bare]) {
    if (Object.hasOwn(config.prices, id)) return config.prices[id]!;
    if (Object.hasOwn(BUILTIN_PRICES, id)) return BUILTIN_PRICES[id]!;
  }
  throw inputError(
    'E_LLM_NO_PRICE',
    `no price is known for model "${model}", and a call with no price cannot be budgeted`,
    {
      hint: `add llm.prices['${model}'] = { inputPerMTok, outputPerMTok } (USD per million tokens) in qlf.config.ts`,
    },
  );
}
