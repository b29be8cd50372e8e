// One qlf process's way to a model: the chosen provider and its failover chain, each call checked against the budget,
// served from the response cache when the same request was answered before, retried and failed over on outages,
// and recorded in the usage ledger. Keys never leave the providers; nothing here logs a request or a key.
import { join } from 'node:path';
import { inSpan } from '../observability/tracing/index.js';
import type { PromptAgent, ProviderName } from '../schemas/llm.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { estimateCost, reserveBudget } from './cost/budget.js';
import { costOf } from './cost/cost.js';
import { BUILTIN_ALIASES, priceOf, resolveModel } from './cost/prices.js';
import { UsageLedger } from './cost/usage-ledger.js';
import { createProvider } from './providers/index.js';
import { breakerFor } from './resilience/breakers.js';
import { callWithFailover } from './resilience/failover.js';
import { readResponse, responseKey, writeResponse } from './response-cache.js';
import { llmStateDir } from './state-dir.js';
import type { LlmMessage, LlmProvider, LlmRequest, LlmResponse } from './types.js';

/** What one call cost and how it went; deterministic fields only (no timings), so reports are byte-stable. */
export interface LlmCallRecord {
  agent: PromptAgent;
  provider: ProviderName;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Served from the response cache: no call was made. */
  cached: boolean;
}

export interface SessionOptions {
  provider: ProviderName;
  /** Model id or alias; else the provider's default. */
  model?: string;
  env?: NodeJS.ProcessEnv;
  /** The brief calls are made for, recorded in the ledger. */
  brief?: string;
  log(line: string): void;
  now?: () => Date;
  /** Waits between retries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

interface ChainEntry {
  provider: ProviderName;
  model: string;
  client: LlmProvider;
  price: ReturnType<typeof priceOf>;
}

export interface LlmAnswer {
  text: string;
  record: LlmCallRecord;
  /** The response-cache key of the request, to `remember` the answer once it passed. */
  key: string;
  response: LlmResponse;
}

/** Temperature 0 and a fixed seed: as repeatable as each provider allows. */
const TEMPERATURE = 0;
const SEED = 7;

export class LlmSession {
  readonly records: LlmCallRecord[] = [];
  private readonly ledger: UsageLedger;
  private readonly responsesDir: string;
  private warned = false;

  private constructor(
    private readonly config: ResolvedConfig,
    private readonly chain: ChainEntry[],
    private readonly options: SessionOptions,
  ) {
    const dir = llmStateDir(config);
    this.ledger = new UsageLedger(join(dir, 'usage.jsonl'));
    this.responsesDir = join(dir, 'responses');
  }

  /**
   * Resolves the chosen provider (its key, model and price must all be there: a missing one is the user's error, exit
   * 2) and the failover providers that can be used (one without a key or price is left out, and the log says so).
   */
  static open(config: ResolvedConfig, options: SessionOptions): LlmSession {
    const names = [options.provider, ...config.llm.failover.filter((name) => name !== options.provider)];
    const chain: ChainEntry[] = [];
    for (const [index, provider] of names.entries()) {
      try {
        // A model id given for the chosen provider means nothing to another one: failover uses aliases or defaults.
        const asked = index === 0 || isAlias(options.model, config) ? options.model : undefined;
        const model = resolveModel(provider, asked, config.llm);
        const price = priceOf(model, config.llm);
        const client = createProvider(provider, {
          settings: config.llm.providers[provider] ?? {},
          env: options.env ?? process.env,
          idleTimeoutMs: config.llm.idleTimeoutSeconds * 1000,
          requestTimeoutMs: config.llm.requestTimeoutSeconds * 1000,
        });
        chain.push({ provider, model, client, price });
      } catch (error) {
        if (index === 0) throw error;
        options.log(`failover: ${provider} left out (${(error as Error).message})`);
      }
    }
    return new LlmSession(config, chain, options);
  }

  get provider(): ProviderName {
    return this.first.provider;
  }

  get model(): string {
    return this.first.model;
  }

  private get first(): ChainEntry {
    const entry = this.chain[0];
    if (!entry) throw new Error('an LLM session has at least its chosen provider');
    return entry;
  }

  private request(entry: ChainEntry, system: string, messages: LlmMessage[]): LlmRequest {
    return {
      model: entry.model,
      system,
      messages,
      maxOutputTokens: this.config.llm.maxOutputTokens,
      temperature: TEMPERATURE,
      seed: SEED,
    };
  }

  private keyOf(entry: ChainEntry, request: LlmRequest): string {
    return responseKey({ provider: entry.provider, ...request });
  }

  /**
   * Asks the chain in order; the first answer (cached or fresh) wins. Throws when every provider failed. Traced as one
   * `qlf.llm.complete` span saying who answered, the tokens, the cost and whether the response cache served it.
   */
  complete(agent: PromptAgent, system: string, messages: LlmMessage[]): Promise<LlmAnswer> {
    const asked = { 'qlf.llm.agent': agent, 'gen_ai.request.model': this.first.model };
    return inSpan('qlf.llm.complete', asked, async (span) => {
      const answer = await this.answer(agent, system, messages);
      const { record } = answer;
      span.setAttributes({
        'gen_ai.provider.name': record.provider,
        'gen_ai.response.model': record.model,
        'gen_ai.usage.input_tokens': record.inputTokens,
        'gen_ai.usage.output_tokens': record.outputTokens,
        'qlf.llm.cost_usd': record.costUsd,
        'qlf.llm.cached': record.cached,
      });
      return answer;
    });
  }

  private async answer(agent: PromptAgent, system: string, messages: LlmMessage[]): Promise<LlmAnswer> {
    const requests = this.chain.map((entry) => this.request(entry, system, messages));
    const keys = this.chain.map((entry, i) => this.keyOf(entry, requests[i] as LlmRequest));
    const links = this.chain.map((entry) => ({
      provider: entry.client,
      model: entry.model,
      breaker: breakerFor(entry.provider, this.config.llm.circuitBreaker, this.options.now),
    }));
    const { maxOutputTokens, temperature, seed } = requests[0] as LlmRequest;
    // Reservations by chain index: the answering provider's is settled by its record, every other one released.
    const reservations = new Map<number, string[]>();
    let answered: { index: number; reservation?: string } | undefined;
    const started = performance.now();
    try {
      const result = await callWithFailover(
        links,
        { system, messages, maxOutputTokens, temperature, seed },
        this.config.llm.retries,
        {
          ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
          cached: (_link, i) => readResponse(this.responsesDir, keys[i] as string),
          admit: async (_link, i) => {
            const open = reservations.get(i) ?? [];
            reservations.set(i, open);
            await this.reserve(this.chain[i] as ChainEntry, requests[i] as LlmRequest, open);
          },
          onRetry: (error, delayMs, attempt) =>
            this.options.log(
              `${error.provider}: ${error.kind}${error.status ? ` (${error.status})` : ''}, retry ${attempt} in ${Math.round(delayMs)} ms`,
            ),
          onGiveUp: (attempt) => this.options.log(`${attempt.provider}: gave up (${attempt.outcome})`),
        },
      );
      const index = this.chain.findIndex((entry) => entry.provider === result.provider);
      const reservation = result.cached ? undefined : reservations.get(index)?.pop();
      answered = reservation ? { index, reservation } : { index };
      const entry = this.chain[index] as ChainEntry;
      const latencyMs = result.cached ? 0 : Math.round(performance.now() - started);
      return await this.recorded(agent, entry, keys[index] as string, result.response, result.cached, {
        latencyMs,
        ...(reservation ? { reservation } : {}),
      });
    } finally {
      for (const open of reservations.values()) {
        for (const id of open) if (id !== answered?.reservation) await this.ledger.release(id, this.now());
      }
    }
  }

  /** Stores an answer that passed the contract and the checks: the same request then makes no call. */
  async remember(answer: LlmAnswer): Promise<void> {
    if (!answer.record.cached) await writeResponse(this.responsesDir, answer.key, answer.response);
  }

  /** Checks the budget and sets the call's estimate aside; the reservation is settled or released by `complete`. */
  private async reserve(entry: ChainEntry, request: LlmRequest, open: string[]): Promise<void> {
    const chars = request.system.length + request.messages.reduce((n, m) => n + m.content.length, 0);
    const estimateUsd = estimateCost(entry.price, chars, request.maxOutputTokens);
    const check = await reserveBudget({
      ledger: this.ledger,
      budget: this.config.llm.budget,
      estimateUsd,
      now: this.now(),
    });
    open.push(check.reservation);
    if (check.warn && !this.warned) {
      this.warned = true;
      this.options.log(`warning: ${check.warn}`);
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async recorded(
    agent: PromptAgent,
    entry: ChainEntry,
    key: string,
    response: LlmResponse,
    cached: boolean,
    call: { latencyMs: number; reservation?: string },
  ): Promise<LlmAnswer> {
    const costUsd = cached ? 0 : costOf(entry.price, response.usage);
    const record: LlmCallRecord = {
      agent,
      provider: entry.provider,
      model: response.model || entry.model,
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
      costUsd,
      cached,
    };
    this.records.push(record);
    await this.ledger.append({
      at: this.now().toISOString(),
      ...record,
      ...(this.options.brief ? { brief: this.options.brief } : {}),
      latencyMs: call.latencyMs,
      ...(call.reservation ? { settles: call.reservation } : {}),
    });
    return { text: response.text, record, key, response };
  }
}

function isAlias(model: string | undefined, config: ResolvedConfig): boolean {
  return model === undefined || Object.hasOwn(BUILTIN_ALIASES, model) || Object.hasOwn(config.llm.aliases, model);
}
