// What the Bedrock provider puts on the wire, and how it reports missing AWS credentials or region.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBedrockServer } from '../testing/bedrock-server.js';
import type { LoopbackServer } from '../testing/script.js';
import type { LlmRequest } from '../types.js';
import { createProvider } from './index.js';

const limits = { idleTimeoutMs: 2_000, requestTimeoutMs: 5_000 };
const keyId = `AKIATEST${randomUUID().slice(0, 8).toUpperCase()}`;
const model = 'anthropic.claude-test-v1:0';
const request: LlmRequest = {
  model,
  system: 'You write code.',
  messages: [{ role: 'user', content: 'Write a function.' }],
  maxOutputTokens: 2048,
  temperature: 0,
  seed: 7,
};

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('bedrock provider', () => {
  it('sends one ConverseStream call signed with the access key', async () => {
    server = await startBedrockServer([{ answer: 'ok' }], { expectedKey: keyId });
    const provider = createProvider('bedrock', {
      settings: { baseURL: server.url, region: 'eu-west-1' },
      env: { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: `secret-${randomUUID()}` },
      ...limits,
    });
    expect((await provider.complete(request)).text).toBe('ok');
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: `/model/${encodeURIComponent(model)}/converse-stream`,
      keyMatched: true,
    });
    expect(server.requests[0]?.body).toEqual({
      system: [{ text: 'You write code.' }],
      messages: [{ role: 'user', content: [{ text: 'Write a function.' }] }],
      inferenceConfig: { maxTokens: 2048, temperature: 0 },
    });
  });

  it('sends a Bedrock API key as a bearer token when one is configured', async () => {
    const token = `bedrock-api-key-${randomUUID()}`;
    server = await startBedrockServer([{ answer: 'ok' }], { expectedKey: token });
    const provider = createProvider('bedrock', {
      settings: { baseURL: server.url, region: 'us-west-2', apiKeyEnv: 'QLF_TEST_BEDROCK_KEY' },
      env: { QLF_TEST_BEDROCK_KEY: token },
      ...limits,
    });
    await provider.complete(request);
    expect(server.requests[0]?.keyMatched).toBe(true);
  });

  describe('without credentials', () => {
    beforeEach(() => {
      // The standard chain reads the process environment and ~/.aws: make sure it finds nothing, and fast.
      for (const name of [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_PROFILE',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_BEARER_TOKEN_BEDROCK',
        'AWS_WEB_IDENTITY_TOKEN_FILE',
        'AWS_ROLE_ARN',
        'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      ]) {
        vi.stubEnv(name, undefined);
      }
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/qlf-test/credentials');
      vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/qlf-test/config');
      vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    });
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('says which variables to set when the AWS chain finds no credentials', async () => {
      server = await startBedrockServer([{ answer: 'ok' }]);
      const provider = createProvider('bedrock', {
        settings: { baseURL: server.url, region: 'us-east-1' },
        env: {},
        ...limits,
      });
      const error = await provider.complete(request).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'E_LLM_NO_KEY', kind: 'input' });
      expect((error as { hint: string }).hint).toMatch(/AWS_ACCESS_KEY_ID.*AWS_PROFILE/);
      expect(server.requests).toHaveLength(0);
    });

    it('says how to set a region when none is found', async () => {
      const provider = createProvider('bedrock', {
        env: { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: `secret-${randomUUID()}` },
        ...limits,
      });
      await expect(provider.complete(request)).rejects.toMatchObject({ code: 'E_LLM_NO_REGION', kind: 'input' });
    });

    it('refuses a configured API-key variable that is unset, naming it', () => {
      expect(() =>
        createProvider('bedrock', { settings: { apiKeyEnv: 'QLF_TEST_BEDROCK_KEY' }, env: {}, ...limits }),
      ).toThrow(/QLF_TEST_BEDROCK_KEY/);
    });
  });
});
