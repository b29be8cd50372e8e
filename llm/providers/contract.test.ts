// The behaviour every provider owes qlf, checked through the real SDKs against loopback servers speaking each wire format.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderName } from '../../schemas/llm.js';
import { startAnthropicServer } from '../testing/anthropic-server.js';
import { startBedrockServer } from '../testing/bedrock-server.js';
import { startOpenAiServer } from '../testing/openai-server.js';
import type { LoopbackOptions, LoopbackServer, ScriptStep } from '../testing/script.js';
import { LlmCallError, type LlmProvider, type LlmRequest } from '../types.js';
import { createProvider } from './index.js';

const IDLE_MS = 300;
const REQUEST_MS = 3_000;

interface Subject {
  name: ProviderName;
  model: string;
  start(script: ScriptStep[], options: LoopbackOptions): Promise<LoopbackServer>;
  /** The environment that points the provider at the server with this key. */
  env(server: LoopbackServer, key: string): Record<string, string>;
  /** What a throttling error event inside a started stream is reported as. */
  throttledInStream: 'rate-limit' | 'server';
  /** The secret the SDK must not leak (for Bedrock the secret access key, not the key id sent in the header). */
  keyPair?: true;
}

const subjects: Subject[] = [
  {
    name: 'openai',
    model: 'gpt-test',
    start: startOpenAiServer,
    env: (server, key) => ({ OPENAI_API_KEY: key, OPENAI_BASE_URL: server.url }),
    throttledInStream: 'server',
  },
  {
    name: 'azure',
    model: 'my-deployment',
    start: startOpenAiServer,
    env: (server, key) => ({ AZURE_OPENAI_API_KEY: key, AZURE_OPENAI_ENDPOINT: new URL(server.url).origin }),
    throttledInStream: 'server',
  },
  {
    name: 'anthropic',
    model: 'claude-test',
    start: startAnthropicServer,
    env: (server, key) => ({ ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url }),
    throttledInStream: 'rate-limit',
  },
  {
    name: 'bedrock',
    model: 'anthropic.claude-test-v1:0',
    start: startBedrockServer,
    env: (_server, key) => ({
      AWS_ACCESS_KEY_ID: key,
      AWS_SECRET_ACCESS_KEY: `secret-${key}`,
      AWS_REGION: 'us-east-1',
    }),
    throttledInStream: 'rate-limit',
    keyPair: true,
  },
];

describe.each(subjects)('$name provider', (subject) => {
  const key = `test-key-${randomUUID()}`;
  let server: LoopbackServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setUp(script: ScriptStep[], limits: { requestTimeoutMs?: number } = {}): Promise<LlmProvider> {
    server = await subject.start(script, { expectedKey: key });
    const env = subject.env(server, key);
    return createProvider(subject.name, {
      settings: subject.name === 'bedrock' ? { baseURL: server.url } : {},
      env,
      idleTimeoutMs: IDLE_MS,
      requestTimeoutMs: limits.requestTimeoutMs ?? REQUEST_MS,
    });
  }

  function request(): LlmRequest {
    return {
      model: subject.model,
      system: 'You write code.',
      messages: [{ role: 'user', content: 'Write a function.' }],
      maxOutputTokens: 256,
      temperature: 0,
      seed: 7,
    };
  }

  async function failure(provider: LlmProvider): Promise<LlmCallError> {
    const error = await provider.complete(request()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(LlmCallError);
    const llmError = error as LlmCallError;
    expect(llmError.provider).toBe(subject.name);
    expect(llmError.message).not.toContain(key);
    if (subject.keyPair) expect(llmError.message).not.toContain(`secret-${key}`);
    return llmError;
  }

  it('streams an answer with its usage, sending the key', async () => {
    const provider = await setUp([
      { answer: 'def add(a, b):\n    return a + b\n', usage: { input: 42, output: 13 }, chunk: 5 },
    ]);
    const response = await provider.complete(request());
    expect(response).toMatchObject({
      text: 'def add(a, b):\n    return a + b\n',
      usage: { inputTokens: 42, outputTokens: 13 },
      stopReason: 'end',
    });
    expect(response.model).toContain(subject.name === 'azure' ? 'my-deployment' : subject.model);
    expect(server?.requests).toHaveLength(1);
    expect(server?.requests[0]).toMatchObject({ method: 'POST', keyMatched: true });
  });

  it('reports a 429 as a rate limit with the Retry-After wait', async () => {
    const error = await failure(await setUp([{ status: 429, retryAfter: '2' }]));
    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 2000, retryable: true });
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    const error = await failure(await setUp([{ status: 429, retryAfter: at }]));
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it.each([500, 503, 529] as const)('reports a %i as a server failure', async (status) => {
    const error = await failure(await setUp([{ status }]));
    expect(error).toMatchObject({ kind: 'server', status, retryable: true });
  });

  it('times out a server that never answers, within the idle limit', async () => {
    const started = Date.now();
    const error = await failure(await setUp([{ hang: true }]));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('idleTimeoutSeconds');
    expect(Date.now() - started).toBeLessThan(IDLE_MS + 1_500);
  });

  it('times out a stream that stalls after its headers', async () => {
    const error = await failure(await setUp([{ hang: true, afterHeaders: true }]));
    expect(error.kind).toBe('timeout');
  });

  it('times out a stream that keeps trickling past the whole-request limit', async () => {
    const slow = { answer: 'x'.repeat(200), chunk: 1, intervalMs: 50 };
    const error = await failure(await setUp([slow], { requestTimeoutMs: 500 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('requestTimeoutSeconds');
  });

  it('reports a stream cut before its end as a network failure', async () => {
    const error = await failure(await setUp([{ cutAfter: 2 }]));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });

  it('reports a server that refuses the connection as a network failure', async () => {
    const provider = await setUp([]);
    await server?.close();
    const error = await failure(provider);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });

  it('reports an overload announced inside a started stream as a server failure', async () => {
    const error = await failure(await setUp([{ streamError: 'overloaded', after: 2 }]));
    expect(error).toMatchObject({ kind: 'server', retryable: true });
  });

  it('reports throttling announced inside a started stream', async () => {
    const error = await failure(await setUp([{ streamError: 'throttled' }]));
    expect(error.kind).toBe(subject.throttledInStream);
  });

  it('reports a refusal as the refusal stop reason', async () => {
    const provider = await setUp([{ refusal: 'I cannot help with that.' }]);
    const response = await provider.complete(request());
    expect(response.stopReason).toBe('refusal');
    expect(response.text).toBe('I cannot help with that.');
  });

  it('reports an answer cut by the output limit', async () => {
    const provider = await setUp([{ answer: 'def add(a, b):', stopReason: 'max-tokens' }]);
    expect((await provider.complete(request())).stopReason).toBe('max-tokens');
  });

  it('keeps a key the server echoes back out of the error message', async () => {
    const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${key}` }, message: `bad ${key}` });
    const error = await failure(await setUp([{ status: 500, body }]));
    expect(error.kind).toBe('server');
  });

  it('is stopped by the caller without a timeout or retryable error', async () => {
    const provider = await setUp([{ hang: true, afterHeaders: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run stopped')), 50);
    await expect(provider.complete({ ...request(), signal: controller.signal })).rejects.toThrow('run stopped');
  });
});
