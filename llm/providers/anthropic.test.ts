// What the Anthropic provider puts on the wire, as the loopback server receives it.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startAnthropicServer } from '../testing/anthropic-server.js';
import type { LoopbackServer } from '../testing/script.js';
import { createProvider } from './index.js';

const limits = { idleTimeoutMs: 2_000, requestTimeoutMs: 5_000 };
const key = `sk-ant-test-${randomUUID()}`;

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('anthropic provider', () => {
  it('sends one streamed message with the system prompt and output limit, and no sampling parameters', async () => {
    server = await startAnthropicServer([{ answer: 'ok' }], { expectedKey: key });
    const provider = createProvider('anthropic', {
      env: { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url },
      ...limits,
    });
    await provider.complete({
      model: 'claude-test',
      system: 'You write code.',
      messages: [{ role: 'user', content: 'Write a function.' }],
      maxOutputTokens: 1024,
      temperature: 0,
      seed: 7,
    });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', keyMatched: true });
    expect(server.requests[0]?.headerNames).toContain('anthropic-version');
    expect(server.requests[0]?.body).toEqual({
      model: 'claude-test',
      system: 'You write code.',
      messages: [{ role: 'user', content: 'Write a function.' }],
      max_tokens: 1024,
      stream: true,
    });
  });

  it('reads the key from the configured variable and the base URL from the settings', async () => {
    server = await startAnthropicServer([{ answer: 'ok' }], { expectedKey: key });
    const provider = createProvider('anthropic', {
      settings: { apiKeyEnv: 'QLF_TEST_ANTHROPIC_KEY', baseURL: server.url },
      env: { QLF_TEST_ANTHROPIC_KEY: key, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
      ...limits,
    });
    const response = await provider.complete({
      model: 'claude-test',
      system: '',
      messages: [{ role: 'user', content: 'hi' }],
      maxOutputTokens: 64,
      temperature: 0,
    });
    expect(response).toMatchObject({ text: 'ok', model: 'claude-test', usage: { inputTokens: 11, outputTokens: 7 } });
    expect(server.requests[0]?.keyMatched).toBe(true);
    expect(server.requests[0]?.body).not.toHaveProperty('system');
  });
});
