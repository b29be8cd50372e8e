// Builds the provider qlf calls: the key from the environment, the SDK adapter, and each call's time limits around it.
import { inputError, isQlfError } from '../../core/errors.js';
import type { ProviderName, ProviderSettings } from '../../schemas/llm.js';
import { LlmCallError, type LlmFailureKind, type LlmProvider, type LlmRequest, type LlmResponse } from '../types.js';
import type { HeaderLookup, ProviderAdapter, ProviderCall } from './adapter.js';
import { createAnthropicAdapter } from './anthropic.js';
import { type BedrockAccess, createBedrockAdapter } from './bedrock.js';
import { keyVariableOf } from './key-variable.js';
import { createAzureAdapter, createOpenAiAdapter } from './openai.js';

export interface ProviderOptions {
  /** The provider's `llm.providers.<name>` settings. @default {} */
  settings?: ProviderSettings;
  /** Where keys, base URLs and AWS settings are read. @default process.env */
  env?: Record<string, string | undefined>;
  /** A call that receives no byte for this long is abandoned as a `timeout` (`idleTimeoutSeconds` × 1000). */
  idleTimeoutMs: number;
  /** A call that runs longer than this is abandoned as a `timeout` (`requestTimeoutSeconds` × 1000). */
  requestTimeoutMs: number;
}

/** One call in flight, as an SDK adapter sees it. */
export type { HeaderLookup, ProviderAdapter, ProviderCall } from './adapter.js';

const OPENAI_URL = 'https://api.openai.com/v1';
const ANTHROPIC_URL = 'https://api.anthropic.com';

export { keyVariableOf } from './key-variable.js';

/** A GA version of the Azure OpenAI inference API; `llm.providers.azure.apiVersion` (or OPENAI_API_VERSION) overrides it. */
export const AZURE_API_VERSION = '2024-10-21';

/**
 * A provider ready to call. Throws `E_LLM_NO_KEY` when its key variable is unset; Bedrock's AWS credential chain is
 * checked on the first call instead, which then throws `E_LLM_NO_KEY` or `E_LLM_NO_REGION`.
 */
export function createProvider(name: ProviderName, options: ProviderOptions): LlmProvider {
  const env = options.env ?? process.env;
  const settings = options.settings ?? {};
  const { adapter, secrets } = adapterFor(name, settings, env);
  return {
    name,
    complete: (request) => runCall(name, adapter, request, options, secrets),
  };
}

function adapterFor(
  name: ProviderName,
  settings: ProviderSettings,
  env: Record<string, string | undefined>,
): { adapter: ProviderAdapter; secrets: string[] } {
  if (name === 'bedrock') {
    const access = bedrockAccess(settings, env);
    const adapter = createBedrockAdapter({
      access,
      region: settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
      endpoint: settings.baseURL,
      profile: env.AWS_PROFILE,
    });
    return { adapter, secrets: access.secrets };
  }
  const apiKey = requireKey(name, settings, env);
  switch (name) {
    case 'openai':
      return {
        adapter: createOpenAiAdapter({
          apiKey,
          baseURL: settings.baseURL ?? env.OPENAI_BASE_URL ?? OPENAI_URL,
          organization: env.OPENAI_ORG_ID,
          project: env.OPENAI_PROJECT_ID,
        }),
        secrets: [apiKey],
      };
    case 'azure':
      return {
        adapter: createAzureAdapter({
          apiKey,
          endpoint: azureEndpoint(settings, env),
          apiVersion: settings.apiVersion ?? env.OPENAI_API_VERSION ?? AZURE_API_VERSION,
        }),
        secrets: [apiKey],
      };
    case 'anthropic':
      return {
        adapter: createAnthropicAdapter({
          apiKey,
          baseURL: settings.baseURL ?? env.ANTHROPIC_BASE_URL ?? ANTHROPIC_URL,
        }),
        secrets: [apiKey],
      };
  }
}

function requireKey(name: ProviderName, settings: ProviderSettings, env: Record<string, string | undefined>): string {
  const variable = keyVariableOf(name, settings);
  const key = env[variable]?.trim();
  if (key) return key;
  throw inputError('E_LLM_NO_KEY', `The ${name} provider needs an API key in the environment variable ${variable}.`, {
    hint: `Set it before running qlf (export ${variable}=...); keys are read only from the environment, never from config files.`,
  });
}

function azureEndpoint(settings: ProviderSettings, env: Record<string, string | undefined>): string {
  const endpoint = settings.baseURL ?? env.AZURE_OPENAI_ENDPOINT;
  if (endpoint) return endpoint;
  throw inputError('E_LLM_NO_ENDPOINT', 'The azure provider needs the endpoint of your Azure OpenAI resource.', {
    hint: 'Set llm.providers.azure.baseURL in qlf.config.ts (https://<resource>.openai.azure.com), or AZURE_OPENAI_ENDPOINT.',
  });
}

/**
 * Bedrock takes an API key (bearer token) when one is configured or `AWS_BEARER_TOKEN_BEDROCK` is set; else SigV4
 * credentials: the access key pair from the environment, or whatever the standard AWS chain finds (profile, SSO, role).
 */
function bedrockAccess(settings: ProviderSettings, env: Record<string, string | undefined>): BedrockAccess {
  const tokenVariable = settings.apiKeyEnv ?? (env.AWS_BEARER_TOKEN_BEDROCK ? 'AWS_BEARER_TOKEN_BEDROCK' : undefined);
  if (tokenVariable) {
    const token = requireKey('bedrock', { apiKeyEnv: tokenVariable }, env);
    return { kind: 'token', token, secrets: [token] };
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env.AWS_SESSION_TOKEN?.trim() || undefined;
    return {
      kind: 'keys',
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      // The key id is not secret as such, but a message naming it says more than it needs to.
      secrets: [accessKeyId, secretAccessKey, ...(sessionToken ? [sessionToken] : [])],
    };
  }
  return { kind: 'chain', secrets: [] };
}

async function runCall(
  provider: ProviderName,
  adapter: ProviderAdapter,
  request: LlmRequest,
  options: ProviderOptions,
  secrets: string[],
): Promise<LlmResponse> {
  const call = new CallInFlight(provider, options, secrets, request.signal);
  try {
    return await adapter.complete(request, call);
  } catch (error) {
    throw call.explain(error);
  } finally {
    call.end();
  }
}

/** The time limits of one call, and the rules that turn whatever it threw into an `LlmCallError`. */
class CallInFlight implements ProviderCall {
  private readonly controller = new AbortController();
  private readonly idle: NodeJS.Timeout;
  private readonly whole: NodeJS.Timeout;
  private expired: 'idle' | 'request' | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  constructor(
    private readonly provider: ProviderName,
    private readonly options: ProviderOptions,
    private readonly secrets: string[],
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.idle = setTimeout(() => this.expire('idle'), options.idleTimeoutMs);
    this.whole = setTimeout(() => this.expire('request'), options.requestTimeoutMs);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    this.idle.refresh();
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    this.touch();
    if (!response.body) return response;
    const touch = () => this.touch();
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          touch();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  httpFailure(status: number, detail: string, header: HeaderLookup, cause?: unknown): LlmCallError {
    const retryAfterMs = status === 429 || status >= 500 ? retryAfterMsOf(header) : undefined;
    return new LlmCallError(
      this.provider,
      kindOfStatus(status),
      this.redact(`${this.provider} answered ${status}: ${detail}`),
      {
        status,
        retryAfterMs,
        cause,
      },
    );
  }

  failure(kind: LlmFailureKind, detail: string, cause?: unknown): LlmCallError {
    return new LlmCallError(this.provider, kind, this.redact(`${this.provider}: ${detail}`), { cause });
  }

  /** What the caller sees of an error thrown during the call. */
  explain(error: unknown): unknown {
    if (this.callerSignal?.aborted) return this.callerSignal.reason ?? error;
    if (this.expired === 'idle') {
      return this.failure('timeout', `no data for ${this.options.idleTimeoutMs} ms (llm.idleTimeoutSeconds)`, error);
    }
    if (this.expired === 'request') {
      const limit = `${this.options.requestTimeoutMs} ms (llm.requestTimeoutSeconds)`;
      return this.failure('timeout', `the call took longer than ${limit}`, error);
    }
    if (error instanceof LlmCallError || isQlfError(error)) return error;
    if (isConnectionFailure(error)) {
      return this.failure('network', `the connection failed or closed mid-answer (${describe(error)})`, error);
    }
    return error;
  }

  end(): void {
    clearTimeout(this.idle);
    clearTimeout(this.whole);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private expire(why: 'idle' | 'request'): void {
    if (this.controller.signal.aborted) return;
    this.expired = why;
    this.controller.abort(new Error(`qlf's ${why} time limit passed`));
  }

  private redact(text: string): string {
    // Servers sometimes echo a key back ("Incorrect API key provided: ..."); keys must never reach a message or log.
    return this.secrets
      .filter((secret) => secret.length >= 8)
      .reduce((out, secret) => out.split(secret).join('***'), text);
  }
}

function kindOfStatus(status: number): LlmFailureKind {
  if (status === 429) return 'rate-limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  // A 409 is a lock conflict on the provider's side; its SDKs retry it like a 5xx.
  if (status === 409 || status >= 500) return 'server';
  return 'bad-request';
}

/** `retry-after-ms` (OpenAI, Anthropic), else `Retry-After` as seconds or an HTTP date. */
export function retryAfterMsOf(header: HeaderLookup, now: number = Date.now()): number | undefined {
  const ms = Number(header('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = header('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
]);

/** A transport failure anywhere in the cause chain: undici's `terminated`, a reset socket, an HTTP/2 stream error. */
function isConnectionFailure(error: unknown): boolean {
  for (let at = error, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (at instanceof TypeError && (at.message === 'terminated' || at.message === 'fetch failed')) return true;
  }
  return false;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
