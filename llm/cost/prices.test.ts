// Aliases resolve per provider with config over built-ins; every model has a price or the call is refused.
import { describe, expect, it } from 'vitest';
import { llmConfigSchema } from '../../schemas/llm.js';
import { BUILTIN_ALIASES, BUILTIN_DEFAULT_MODELS, BUILTIN_PRICES, priceOf, resolveModel } from './prices.js';

const defaults = llmConfigSchema.parse({});

describe('resolveModel', () => {
  it.each([
    ['anthropic', 'sonnet', 'claude-sonnet-4-5'],
    ['anthropic', 'haiku', 'claude-haiku-4-5'],
    ['anthropic', 'opus', 'claude-opus-4-1'],
    ['bedrock', 'sonnet', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['bedrock', 'nova', 'amazon.nova-pro-v1:0'],
    ['openai', 'gpt4', 'gpt-4.1'],
    ['azure', 'gpt4', 'gpt-4.1'],
    ['openai', 'gpt4o', 'gpt-4o'],
    ['openai', 'mini', 'gpt-4.1-mini'],
    ['openai', 'o4-mini', 'o4-mini'],
    ['anthropic', 'claude-opus-4-1-20250805', 'claude-opus-4-1-20250805'],
  ] as const)('%s %s → %s', (provider, alias, model) => {
    expect(resolveModel(provider, alias, defaults)).toBe(model);
  });

  it('falls back to the configured default model, then the built-in one', () => {
    expect(resolveModel('openai', undefined, defaults)).toBe(BUILTIN_DEFAULT_MODELS.openai);
    const config = llmConfigSchema.parse({ providers: { openai: { defaultModel: 'mini' } } });
    expect(resolveModel('openai', undefined, config)).toBe('gpt-4.1-mini');
    expect(resolveModel('anthropic', undefined, config)).toBe('claude-sonnet-4-5');
  });

  it('merges configured aliases over the built-in ones, per provider', () => {
    const config = llmConfigSchema.parse({
      aliases: { sonnet: { bedrock: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' }, fast: { azure: 'prod-mini' } },
    });
    expect(resolveModel('bedrock', 'sonnet', config)).toBe('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(resolveModel('anthropic', 'sonnet', config)).toBe('claude-sonnet-4-5');
    expect(resolveModel('azure', 'fast', config)).toBe('prod-mini');
  });

  it('refuses an alias that names no model for the provider, saying how to add one', () => {
    expect(() => resolveModel('openai', 'sonnet', defaults)).toThrow(
      expect.objectContaining({ code: 'E_LLM_ALIAS', hint: expect.stringContaining("llm.aliases['sonnet'].openai") }),
    );
  });

  it('does not treat Object.prototype names as aliases', () => {
    expect(resolveModel('openai', 'constructor', defaults)).toBe('constructor');
  });
});

describe('priceOf', () => {
  it('prices every built-in alias target and default model', () => {
    const targets = [
      ...Object.values(BUILTIN_ALIASES).flatMap((byProvider) => Object.values(byProvider)),
      ...Object.values(BUILTIN_DEFAULT_MODELS),
    ];
    for (const model of targets) expect(priceOf(model, defaults).outputPerMTok).toBeGreaterThan(0);
  });

  it('prices Bedrock inference profiles as the bare model id', () => {
    const bare = BUILTIN_PRICES['anthropic.claude-sonnet-4-5-20250929-v1:0'];
    for (const prefix of ['us.', 'eu.', 'apac.', 'global.']) {
      expect(priceOf(`${prefix}anthropic.claude-sonnet-4-5-20250929-v1:0`, defaults)).toEqual(bare);
    }
  });

  it('takes configured prices over built-in ones, the exact id before the bare one', () => {
    const config = llmConfigSchema.parse({
      prices: {
        'gpt-4.1': { inputPerMTok: 1, outputPerMTok: 2 },
        'eu.amazon.nova-pro-v1:0': { inputPerMTok: 0.9, outputPerMTok: 3.5 },
        'prod-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
      },
    });
    expect(priceOf('gpt-4.1', config)).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(priceOf('eu.amazon.nova-pro-v1:0', config)).toEqual({ inputPerMTok: 0.9, outputPerMTok: 3.5 });
    expect(priceOf('us.amazon.nova-pro-v1:0', config)).toEqual(BUILTIN_PRICES['amazon.nova-pro-v1:0']);
    expect(priceOf('prod-mini', config).inputPerMTok).toBe(0.4);
  });

  it('refuses a model with no price, telling the user where to add one', () => {
    expect(() => priceOf('my-finetune', defaults)).toThrow(
      expect.objectContaining({
        code: 'E_LLM_NO_PRICE',
        kind: 'input',
        hint: expect.stringContaining("llm.prices['my-finetune']"),
      }),
    );
  });
});
