// LLM settings in `qlf.config.ts` (`llm:`) and the names shared by providers, prompts, costs and the CLI.
import { z } from 'zod';

/** Providers qlf can call. `azure` is Azure OpenAI through the `openai` SDK. */
export const providerName = z.enum(['openai', 'azure', 'anthropic', 'bedrock']);
export type ProviderName = z.infer<typeof providerName>;

/** Who writes generated code (or compiles facts): the offline templates, or a provider. */
export const generatorName = z.enum(['templates', 'openai', 'azure', 'anthropic', 'bedrock']);
export type GeneratorName = z.infer<typeof generatorName>;

/** The agents a prompt is composed for. */
export const promptAgent = z.enum(['backend', 'database', 'api', 'tests', 'docs', 'compile', 'domain']);
export type PromptAgent = z.infer<typeof promptAgent>;

const providerSettings = z
  .object({
    /** Base URL of the API (an OpenAI-compatible server, a proxy, the Azure resource endpoint). */
    baseURL: z.string().url().optional(),
    /** Environment variable holding the key. Keys are never read from this file. */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'must be an environment variable name' })
      .optional(),
    /** Model used when none is given. */
    defaultModel: z.string().min(1).optional(),
    /** Bedrock: the AWS region; else the standard AWS chain (`AWS_REGION`, profile). */
    region: z.string().optional(),
    /** Azure OpenAI: the API version. */
    apiVersion: z.string().optional(),
  })
  .strict();
export type ProviderSettings = z.infer<typeof providerSettings>;

/** USD per million tokens. */
export const modelPrice = z
  .object({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() })
  .strict();
export type ModelPrice = z.infer<typeof modelPrice>;

export const llmConfigSchema = z
  .object({
    /** Per-provider settings; merged over the built-in defaults. @default {} */
    providers: z.partialRecord(providerName, providerSettings).default({}),
    /** Model aliases as users type them (`sonnet`, `gpt4`), per provider; merged over the built-in table. @default {} */
    aliases: z.record(z.string(), z.partialRecord(providerName, z.string())).default({}),
    /** Price per model id; merged over the built-in table. A model with no price is refused before a call. @default {} */
    prices: z.record(z.string(), modelPrice).default({}),
    /** Spending limits per period, checked before every call. */
    budget: z
      .object({
        /** @default 'month' */
        period: z.enum(['day', 'month']).default('month'),
        /** A warning once spending in the period reaches this. @default 80 */
        warnUsd: z.number().nonnegative().default(80),
        /** No call is made that could take spending past this. @default 100 */
        limitUsd: z.number().nonnegative().default(100),
      })
      .strict()
      .default({ period: 'month', warnUsd: 80, limitUsd: 100 }),
    /** Retries of one call on 429, 5xx, timeouts and cut streams. */
    retries: z
      .object({
        /** Attempts in all, the first included. @default 4 */
        maxAttempts: z.number().int().min(1).max(10).default(4),
        /** @default 500 */
        baseDelayMs: z.number().int().nonnegative().default(500),
        /** @default 20000 */
        maxDelayMs: z.number().int().nonnegative().default(20_000),
      })
      .strict()
      .default({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 20_000 }),
    /** A call with no byte for this long is abandoned (and retried). @default 60 */
    idleTimeoutSeconds: z.number().positive().default(60),
    /** Whole-call limit. @default 300 */
    requestTimeoutSeconds: z.number().positive().default(300),
    /** Per provider: open after this many failed attempts in a row, half-open after the cooldown. */
    circuitBreaker: z
      .object({
        /** Failed attempts in a row (retries count): above `retries.maxAttempts`, so one call alone never opens it. @default 5 */
        failureThreshold: z.number().int().min(1).default(5),
        /** @default 60 */
        cooldownSeconds: z.number().nonnegative().default(60),
      })
      .strict()
      .default({ failureThreshold: 5, cooldownSeconds: 60 }),
    /** Providers tried in order when the chosen one fails for good (or its breaker is open). @default [] */
    failover: z.array(providerName).default([]),
    /** Answers that break the output contract are sent back with the parser's error this many times. @default 2 */
    maxRepairs: z.number().int().min(0).max(5).default(2),
    /** @default 16000 */
    maxOutputTokens: z.number().int().positive().default(16_000),
    /** Workspace folder whose prompt files override the built-in ones, relative to the root. @default 'qlf/prompts' */
    promptsDir: z.string().min(1).default('qlf/prompts'),
    /** Files the model may write outside the designated extension modules (scaffold paths). @default [] */
    allowScaffold: z.array(z.string()).default([]),
  })
  .strict();
export type LlmConfig = z.output<typeof llmConfigSchema>;
