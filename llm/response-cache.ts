// Answers already paid for, one JSON file per request: the same request (provider, model, prompt, sampling settings)
// is answered from disk instead of being sent again. Only answers that passed the output contract belong here; the
// caller stores an answer after parsing it, never before, so a broken answer is never replayed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-fs.js';
import { canonicalJson } from '../core/canonical-json.js';
import { sha256 } from '../core/hash.js';
import type { ProviderName } from '../schemas/llm.js';
import type { LlmMessage, LlmResponse } from './types.js';

/** Bumped when the key's inputs or the stored shape change, so old entries become misses instead of wrong hits. */
const CACHE_FORMAT = 1;

/**
 * What makes two requests the same. Deliberately no API key, endpoint credential or other secret: keys are not part
 * of the question, and a cache file or key must never reveal one.
 */
export interface ResponseKeyInput {
  provider: ProviderName;
  /** The resolved model id, not an alias. */
  model: string;
  system: string;
  messages: LlmMessage[];
  temperature: number;
  seed?: number;
  maxOutputTokens: number;
}

/** sha256 hex of the request's canonical JSON. */
export function responseKey(input: ResponseKeyInput): string {
  const { provider, model, system, messages, temperature, seed, maxOutputTokens } = input;
  return sha256(
    canonicalJson({
      format: CACHE_FORMAT,
      provider,
      model,
      system,
      messages: messages.map(({ role, content }) => ({ role, content })),
      temperature,
      seed,
      maxOutputTokens,
    }),
  );
}

const storedSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  key: z.string(),
  text: z.string(),
  model: z.string(),
  usage: z.object({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() }),
  stopReason: z.enum(['end', 'max-tokens', 'refusal', 'other']),
});

const KEY = /^[0-9a-f]{64}$/;

function entryPath(dir: string, key: string): string {
  // Keys come from responseKey; refusing anything else keeps a bad key from naming a file outside the cache.
  if (!KEY.test(key)) throw new Error(`response cache key must be 64 lowercase hex digits, got "${key}"`);
  return join(dir, `${key}.json`);
}

/** The stored answer for `key`, or undefined on a miss. A corrupt or foreign file is a miss, never an error. */
export async function readResponse(dir: string, key: string): Promise<LlmResponse | undefined> {
  let text: string;
  try {
    text = await readFile(entryPath(dir, key), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: z.infer<typeof storedSchema>;
  try {
    const result = storedSchema.safeParse(JSON.parse(text));
    if (!result.success) return undefined;
    parsed = result.data;
  } catch {
    return undefined;
  }
  if (parsed.key !== key) return undefined;
  return { text: parsed.text, model: parsed.model, usage: parsed.usage, stopReason: parsed.stopReason };
}

/** Stores an answer that passed the output contract; atomic, so a reader sees the old file or the whole new one. */
export async function writeResponse(dir: string, key: string, response: LlmResponse): Promise<void> {
  const { text, model, usage, stopReason } = response;
  const stored = {
    format: CACHE_FORMAT,
    key,
    text,
    model,
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
    stopReason,
  };
  await writeFileAtomic(entryPath(dir, key), canonicalJson(stored));
}
