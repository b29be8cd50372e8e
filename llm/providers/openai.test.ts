// What the OpenAI and Azure OpenAI providers put on the wire, as the loopback server receives it.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpenAiServer } from '../testing/openai-server.js';
import type { LoopbackServer } from '../testing/script.js';
import type { LlmRequest } from '../types.js';
import { AZURE_API_VERSION, createProvider } from './index.js';

const limits = { idleTimeoutMs: 2_000, requestTimeoutMs: 5_000 };
const key = `sk-test-${randomUUID()}`;
const request: LlmRequest = {
  model: 'gpt-test',
  system: 'You write code.',
  messages: [
    { role: 'user', content: 'Write a function.' },
    { role: 'assistant', content: 'def f(:' },
    { role: 'user', content: 'That does not parse.' },
  ],
  maxOutputTokens: 512,
  temperature: 0,
  seed: 7,
};

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('openai provider', () => {
  it('sends one streamed chat completion: system first, usage asked for, temperature, seed and output limit', async () => {
    server = await startOpenAiServer([{ answer: 'ok' }], { expectedKey: key });
    const provider = createProvider('openai', { env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: server.url }, ...limits });
    await provider.complete(request);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', keyMatched: true });
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You write code.' },
        { role: 'user', content: 'Write a function.' },
        { role: 'assistant', content: 'def f(:' },
        { role: 'user', content: 'That does not parse.' },
      ],
      max_completion_tokens: 512,
      temperature: 0,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('prefers the configured base URL and key variable over the SDK variables', async () => {
    server = await startOpenAiServer([{ answer: 'ok' }], { expectedKey: key });
    const provider = createProvider('openai', {
      settings: { baseURL: server.url, apiKeyEnv: 'QLF_TEST_OPENAI_KEY' },
      env: { QLF_TEST_OPENAI_KEY: key, OPENAI_API_KEY: 'not-this-one', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      ...limits,
    });
    expect((await provider.complete(request)).text).toBe('ok');
    expect(server.requests[0]?.keyMatched).toBe(true);
  });

  it('leaves the system message out when there is none', async () => {
    server = await startOpenAiServer([{ answer: 'ok' }], { expectedKey: key });
    const provider = createProvider('openai', { env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: server.url }, ...limits });
    await provider.complete({ ...request, system: '', seed: undefined });
    const body = server.requests[0]?.body as { messages: { role: string }[]; seed?: number };
    expect(body.messages[0]?.role).toBe('user');
    expect(body).not.toHaveProperty('seed');
  });
});

describe('azure provider', () => {
  it('calls the deployment path with the API version and sends the key as api-key', async () => {
    server = await startOpenAiServer([{ answer: 'ok' }], { expectedKey: key });
    const endpoint = `${new URL(server.url).origin}/`;
    const provider = createProvider('azure', {
      settings: { baseURL: endpoint },
      env: { AZURE_OPENAI_API_KEY: key },
      ...limits,
    });
    await provider.complete({ ...request, model: 'prod-gpt' });
    expect(server.requests[0]).toMatchObject({
      path: `/openai/deployments/prod-gpt/chat/completions?api-version=${AZURE_API_VERSION}`,
      keyMatched: true,
    });
    expect(server.requests[0]?.headerNames).toContain('api-key');
    expect(server.requests[0]?.headerNames).not.toContain('authorization');
  });

  it('uses the configured API version', async () => {
    server = await startOpenAiServer([{ answer: 'ok' }], { expectedKey: key });
    const provider = createProvider('azure', {
      settings: { baseURL: new URL(server.url).origin, apiVersion: '2025-04-01-preview' },
      env: { AZURE_OPENAI_API_KEY: key },
      ...limits,
    });
    await provider.complete(request);
    expect(server.requests[0]?.path).toContain('api-version=2025-04-01-preview');
  });
});
