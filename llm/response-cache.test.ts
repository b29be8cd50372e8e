// The response cache: keys are stable and sensitive to every part of the request, entries round-trip, and a corrupt
// entry is a miss.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ResponseKeyInput, readResponse, responseKey, writeResponse } from './response-cache.js';
import type { LlmResponse } from './types.js';

const request: ResponseKeyInput = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  system: 'You write domain logic.',
  messages: [{ role: 'user', content: 'Write app/domain/fraud.py.' }],
  temperature: 0,
  maxOutputTokens: 16_000,
};

const answer: LlmResponse = {
  text: '<<<qlf:file path="app/domain/fraud.py">>>\nx = 1\n<<<qlf:end>>>\n<<<qlf:done>>>\n',
  model: 'claude-sonnet-4-5-20250929',
  usage: { inputTokens: 1200, outputTokens: 300 },
  stopReason: 'end',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qlf-responses-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('responseKey', () => {
  it('is a sha256 hex that ignores key order and an absent seed', () => {
    const key = responseKey(request);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered = {
      maxOutputTokens: 16_000,
      temperature: 0,
      messages: [{ content: 'Write app/domain/fraud.py.', role: 'user' as const }],
      system: 'You write domain logic.',
      model: 'claude-sonnet-4-5',
      provider: 'anthropic' as const,
      seed: undefined,
    };
    expect(responseKey(reordered)).toBe(key);
  });

  it.each([
    ['provider', { provider: 'bedrock' }],
    ['model', { model: 'claude-haiku-4-5' }],
    ['system', { system: 'You write tests.' }],
    ['messages', { messages: [...request.messages, { role: 'assistant', content: 'x' }] }],
    ['temperature', { temperature: 0.2 }],
    ['seed', { seed: 7 }],
    ['maxOutputTokens', { maxOutputTokens: 8_000 }],
  ] as const)('changes with %s', (_name, change) => {
    expect(responseKey({ ...request, ...change } as ResponseKeyInput)).not.toBe(responseKey(request));
  });

  it('keeps only the key inputs: nothing else a caller passes (a key, a signal) reaches the hash', () => {
    const withExtras = { ...request, apiKey: 'sk-secret', signal: new AbortController().signal } as ResponseKeyInput;
    expect(responseKey(withExtras)).toBe(responseKey(request));
  });
});

describe('readResponse / writeResponse', () => {
  it('round-trips an answer in one JSON file per key', async () => {
    const key = responseKey(request);
    expect(await readResponse(dir, key)).toBeUndefined();
    await writeResponse(dir, key, answer);
    expect(await readResponse(dir, key)).toEqual(answer);
    expect(readdirSync(dir)).toEqual([`${key}.json`]);
    expect(readFileSync(join(dir, `${key}.json`), 'utf8')).not.toContain('sk-');
  });

  it('overwrites an entry atomically', async () => {
    const key = responseKey(request);
    await writeResponse(dir, key, answer);
    await writeResponse(dir, key, { ...answer, text: 'second' });
    expect((await readResponse(dir, key))?.text).toBe('second');
    expect(readdirSync(dir)).toEqual([`${key}.json`]);
  });

  it('reads a corrupt, foreign or misfiled entry as a miss', async () => {
    const key = responseKey(request);
    const file = join(dir, `${key}.json`);
    for (const content of ['{"text": "tru', '[]', JSON.stringify({ ...answer, format: 1, key: 'f'.repeat(64) })]) {
      writeFileSync(file, content);
      expect(await readResponse(dir, key)).toBeUndefined();
    }
  });

  it('refuses a key that is not a sha256 hex, so no path outside the cache is touched', async () => {
    await expect(readResponse(dir, '../escape')).rejects.toThrow(/64 lowercase hex/);
    await expect(writeResponse(dir, 'ABC', answer)).rejects.toThrow(/64 lowercase hex/);
  });
});
