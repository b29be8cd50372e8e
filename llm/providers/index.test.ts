// Keys come only from the environment, and a missing one says which variable to set; Retry-After in all its forms.
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../schemas/llm.js';
import { createProvider, keyVariableOf, retryAfterMsOf } from './index.js';

const limits = { idleTimeoutMs: 1_000, requestTimeoutMs: 1_000 };

describe('keyVariableOf', () => {
  it.each([
    ['openai', 'OPENAI_API_KEY'],
    ['azure', 'AZURE_OPENAI_API_KEY'],
    ['anthropic', 'ANTHROPIC_API_KEY'],
    ['bedrock', 'AWS_ACCESS_KEY_ID'],
  ] as const)('%s reads %s by default', (name, variable) => {
    expect(keyVariableOf(name)).toBe(variable);
  });

  it('follows apiKeyEnv', () => {
    expect(keyVariableOf('openai', { apiKeyEnv: 'MY_GATEWAY_KEY' })).toBe('MY_GATEWAY_KEY');
  });
});

describe('a missing key', () => {
  it.each(['openai', 'azure', 'anthropic'] as const)(
    '%s: E_LLM_NO_KEY naming the variable and how to set it',
    (name) => {
      const variable = keyVariableOf(name);
      const env = { AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com' };
      expect(() => createProvider(name, { env, ...limits })).toThrow(
        expect.objectContaining({
          code: 'E_LLM_NO_KEY',
          kind: 'input',
          message: expect.stringContaining(variable),
          hint: expect.stringContaining(`export ${variable}=`),
        }),
      );
    },
  );

  it('counts a blank variable as missing, and never falls back to the default variable', () => {
    const env = { OPENAI_API_KEY: 'sk-present', QLF_KEY: '  ' };
    expect(() => createProvider('openai', { settings: { apiKeyEnv: 'QLF_KEY' }, env, ...limits })).toThrow(/QLF_KEY/);
  });

  it('needs an endpoint for Azure', () => {
    expect(() => createProvider('azure', { env: { AZURE_OPENAI_API_KEY: 'k' }, ...limits })).toThrow(
      expect.objectContaining({ code: 'E_LLM_NO_ENDPOINT' }),
    );
  });

  it.each(['openai', 'anthropic'] as ProviderName[])('%s is built without a call when the key is there', (name) => {
    const provider = createProvider(name, { env: { [keyVariableOf(name)]: 'sk-present' }, ...limits });
    expect(provider.name).toBe(name);
  });
});

describe('retryAfterMsOf', () => {
  const now = Date.parse('2026-11-29T10:00:00Z');
  const lookup = (headers: Record<string, string>) => (name: string) => headers[name];

  it.each([
    [{ 'retry-after-ms': '1500' }, 1500],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Sun, 29 Nov 2026 10:00:20 GMT' }, 20_000],
    [{ 'retry-after': 'Sun, 29 Nov 2026 09:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after-ms': 'x', 'retry-after': '2' }, 2000],
    [{}, undefined],
  ])('%j -> %s', (headers, expected) => {
    expect(retryAfterMsOf(lookup(headers), now)).toBe(expected);
  });
});
