// Failover order, what each kind of failure means for the chain, and the error when no provider answers.
import { afterEach, describe, expect, it } from 'vitest';
import { inputError } from '../../core/errors.js';
import type { ProviderName } from '../../schemas/llm.js';
import { createProvider } from '../providers/index.js';
import { startAnthropicServer } from '../testing/anthropic-server.js';
import { startOpenAiServer } from '../testing/openai-server.js';
import type { LoopbackServer } from '../testing/script.js';
import { LlmCallError, type LlmFailureKind, type LlmProvider, type LlmRequest, type LlmResponse } from '../types.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { callWithFailover, type FailoverLink } from './failover.js';

const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const request: Omit<LlmRequest, 'model'> = {
  system: 'You write code.',
  messages: [{ role: 'user', content: 'Write a function.' }],
  maxOutputTokens: 100,
  temperature: 0,
};

type Outcome = 'answer' | LlmFailureKind | Error;

/** A provider that plays outcomes in turn (the last one repeats) and records the models it was asked for. */
function fake(name: ProviderName, outcomes: Outcome[]) {
  const calls: string[] = [];
  const provider: LlmProvider = {
    name,
    async complete(req): Promise<LlmResponse> {
      calls.push(req.model);
      const outcome = outcomes[Math.min(calls.length, outcomes.length) - 1] ?? 'answer';
      if (outcome instanceof Error) throw outcome;
      if (outcome !== 'answer') throw new LlmCallError(name, outcome, `${name}: ${outcome} on call ${calls.length}`);
      return { text: `from ${name}`, model: req.model, usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'end' };
    },
  };
  return { provider, calls };
}

function link(provider: LlmProvider, model: string, threshold = 10): FailoverLink {
  return {
    provider,
    model,
    breaker: new CircuitBreaker(provider.name, { failureThreshold: threshold, cooldownSeconds: 60 }),
  };
}

const noWait = { sleep: async () => {}, random: () => 0 };

describe('callWithFailover', () => {
  it('answers from the first provider when it can', async () => {
    const openai = fake('openai', ['answer']);
    const anthropic = fake('anthropic', ['answer']);
    const result = await callWithFailover(
      [link(openai.provider, 'gpt'), link(anthropic.provider, 'claude')],
      request,
      policy,
      noWait,
    );
    expect(result).toMatchObject({
      provider: 'openai',
      model: 'gpt',
      attempts: [{ provider: 'openai', outcome: 'answered' }],
    });
    expect(anthropic.calls).toEqual([]);
  });

  it('moves on, in order, once a provider has used its retries, each with its own model', async () => {
    const openai = fake('openai', ['server']);
    const azure = fake('azure', ['timeout', 'network', 'rate-limit']);
    const anthropic = fake('anthropic', ['server', 'answer']);
    const gaveUp: string[] = [];
    const result = await callWithFailover(
      [link(openai.provider, 'gpt'), link(azure.provider, 'deploy'), link(anthropic.provider, 'claude')],
      request,
      policy,
      { ...noWait, onGiveUp: (attempt) => void gaveUp.push(attempt.provider) },
    );
    expect(openai.calls).toEqual(['gpt', 'gpt', 'gpt']);
    expect(azure.calls).toEqual(['deploy', 'deploy', 'deploy']);
    expect(anthropic.calls).toEqual(['claude', 'claude']);
    expect(gaveUp).toEqual(['openai', 'azure']);
    expect(result.provider).toBe('anthropic');
    expect(result.response.text).toBe('from anthropic');
    expect(result.attempts.map((a) => [a.provider, a.outcome, (a.error as LlmCallError | undefined)?.kind])).toEqual([
      ['openai', 'failed', 'server'],
      ['azure', 'failed', 'rate-limit'],
      ['anthropic', 'answered', undefined],
    ]);
  });

  it('skips a provider whose breaker is open without calling it', async () => {
    const openai = fake('openai', ['answer']);
    const anthropic = fake('anthropic', ['answer']);
    const first = link(openai.provider, 'gpt', 1);
    first.breaker.failed();
    const result = await callWithFailover([first, link(anthropic.provider, 'claude')], request, policy, noWait);
    expect(openai.calls).toEqual([]);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['circuit-open', 'answered']);
  });

  it('stops retrying a provider whose breaker opens during the call, and reports its real failure', async () => {
    const openai = fake('openai', ['server']);
    const anthropic = fake('anthropic', ['answer']);
    const result = await callWithFailover(
      [link(openai.provider, 'gpt', 2), link(anthropic.provider, 'claude')],
      request,
      { ...policy, maxAttempts: 5 },
      noWait,
    );
    expect(openai.calls).toHaveLength(2);
    expect(result.attempts[0]).toMatchObject({ outcome: 'failed', error: { kind: 'server' } });
  });

  it.each([
    ['bad-request', /model id/],
    ['auth', /environment variable/],
  ] as const)('ends the call when the chosen provider refuses it (%s)', async (kind, hint) => {
    const openai = fake('openai', [kind]);
    const anthropic = fake('anthropic', ['answer']);
    const error = await callWithFailover(
      [link(openai.provider, 'gpt'), link(anthropic.provider, 'claude')],
      request,
      policy,
      noWait,
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'E_LLM_REFUSED', kind: 'work', hint: expect.stringMatching(hint) });
    expect(openai.calls).toHaveLength(1);
    expect(anthropic.calls).toEqual([]);
  });

  it('skips a failover provider that refuses its key or has none', async () => {
    const openai = fake('openai', ['server']);
    const azure = fake('azure', ['auth']);
    const bedrock = fake('bedrock', [inputError('E_LLM_NO_KEY', 'The bedrock provider found no AWS credentials.')]);
    const anthropic = fake('anthropic', ['answer']);
    const result = await callWithFailover(
      [
        link(openai.provider, 'gpt'),
        link(azure.provider, 'd'),
        link(bedrock.provider, 'b'),
        link(anthropic.provider, 'c'),
      ],
      request,
      policy,
      noWait,
    );
    expect(result.attempts.map((a) => a.outcome)).toEqual(['failed', 'refused', 'refused', 'answered']);
    expect(azure.calls).toHaveLength(1);
  });

  it('passes the chosen provider setup errors through as they are', async () => {
    const noKey = inputError('E_LLM_NO_REGION', 'The bedrock provider needs an AWS region.');
    const bedrock = fake('bedrock', [noKey]);
    await expect(callWithFailover([link(bedrock.provider, 'b')], request, policy, noWait)).rejects.toBe(noKey);
  });

  it('rethrows errors that are not provider failures (a stopped run, a bug)', async () => {
    const stopped = new Error('run stopped');
    const openai = fake('openai', [stopped]);
    const anthropic = fake('anthropic', ['answer']);
    await expect(
      callWithFailover([link(openai.provider, 'gpt'), link(anthropic.provider, 'claude')], request, policy, noWait),
    ).rejects.toBe(stopped);
    expect(anthropic.calls).toEqual([]);
  });

  it('lists every provider and its last error when none answered', async () => {
    const openai = fake('openai', ['timeout', 'server']);
    const anthropic = fake('anthropic', ['rate-limit']);
    const error = await callWithFailover(
      [link(openai.provider, 'gpt'), link(anthropic.provider, 'claude')],
      request,
      policy,
      noWait,
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      code: 'E_LLM_UNAVAILABLE',
      kind: 'work',
      hint: expect.stringContaining('llm.failover'),
    });
    const message = (error as Error).message;
    expect(message).toContain('openai (gpt): failed - openai: server on call 3');
    expect(message).toContain('anthropic (claude): failed - anthropic: rate-limit on call 3');
  });
});

describe('callWithFailover through the SDKs', () => {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('fails over from an OpenAI server in an outage to an Anthropic server', async () => {
    const openaiServer = await startOpenAiServer([{ status: 503 }, { status: 500 }, { status: 429, retryAfter: '1' }]);
    const anthropicServer = await startAnthropicServer([{ answer: 'def f(): pass', usage: { input: 5, output: 4 } }]);
    servers.push(openaiServer, anthropicServer);
    const limits = { idleTimeoutMs: 2_000, requestTimeoutMs: 5_000 };
    const openai = createProvider('openai', {
      env: { OPENAI_API_KEY: 'sk-a', OPENAI_BASE_URL: openaiServer.url },
      ...limits,
    });
    const anthropic = createProvider('anthropic', {
      env: { ANTHROPIC_API_KEY: 'sk-b', ANTHROPIC_BASE_URL: anthropicServer.url },
      ...limits,
    });
    const slept: number[] = [];
    const result = await callWithFailover([link(openai, 'gpt'), link(anthropic, 'claude')], request, policy, {
      sleep: async (ms) => void slept.push(ms),
      random: () => 0,
    });
    expect(result).toMatchObject({ provider: 'anthropic', model: 'claude', response: { text: 'def f(): pass' } });
    expect(openaiServer.requests).toHaveLength(3);
    expect(slept).toEqual([0, 0]);
    expect(result.attempts[0]).toMatchObject({ outcome: 'failed', error: { kind: 'rate-limit', retryAfterMs: 1000 } });
  });
});
