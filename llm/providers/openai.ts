// OpenAI and Azure OpenAI through the `openai` SDK: one streamed chat completion per call.
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AzureOpenAI,
} from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { LlmRequest, LlmResponse, StopReason } from '../types.js';
import { type ProviderAdapter, type ProviderCall, sdkFailureOf } from './adapter.js';

const OPENAI_ERRORS = { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError };

export interface OpenAiAdapterOptions {
  apiKey: string;
  /** Ends in `/v1` for OpenAI itself; any OpenAI-compatible server's base URL otherwise. */
  baseURL: string;
  organization?: string;
  project?: string;
}

export interface AzureAdapterOptions {
  apiKey: string;
  /** The resource endpoint, `https://<resource>.openai.azure.com`. */
  endpoint: string;
  apiVersion: string;
}

export function createOpenAiAdapter(options: OpenAiAdapterOptions): ProviderAdapter {
  return {
    complete: (request, call) => {
      const client = new OpenAI({
        apiKey: options.apiKey,
        baseURL: options.baseURL,
        organization: options.organization ?? null,
        project: options.project ?? null,
        ...sharedClientOptions(call),
      });
      return streamChat(client, request, call);
    },
  };
}

/** Azure OpenAI: the request's model is the deployment name, which the SDK puts in the path. */
export function createAzureAdapter(options: AzureAdapterOptions): ProviderAdapter {
  return {
    complete: (request, call) => {
      // `baseURL` rather than `endpoint`: the SDK refuses `endpoint` when OPENAI_BASE_URL happens to be set.
      const client = new AzureOpenAI({
        apiKey: options.apiKey,
        baseURL: `${options.endpoint.replace(/\/+$/, '')}/openai`,
        apiVersion: options.apiVersion,
        ...sharedClientOptions(call),
      });
      return streamChat(client, request, call);
    },
  };
}

// qlf retries and times out calls itself; the client is built per call so its fetch can watch that call's bytes.
function sharedClientOptions(call: ProviderCall) {
  return { maxRetries: 0, fetch: call.fetch, logLevel: 'off' as const };
}

async function streamChat(client: OpenAI, request: LlmRequest, call: ProviderCall): Promise<LlmResponse> {
  try {
    const stream = await client.chat.completions.create(paramsOf(request), { signal: call.signal });
    const answer = { text: '', refusal: '', finish: undefined as string | undefined, model: request.model };
    let usage: LlmResponse['usage'] = { inputTokens: 0, outputTokens: 0 };
    for await (const chunk of stream) {
      if (chunk.model) answer.model = chunk.model;
      if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
      const choice = chunk.choices[0];
      if (!choice) continue;
      answer.text += choice.delta?.content ?? '';
      answer.refusal += choice.delta?.refusal ?? '';
      if (choice.finish_reason) answer.finish = choice.finish_reason;
    }
    // An aborted call ends the SDK's loop quietly, and a server can close the stream early: no finish reason either way.
    if (answer.finish === undefined) throw call.failure('network', 'the stream ended before the answer was complete');
    const refused = answer.refusal !== '' || answer.finish === 'content_filter';
    return {
      text: refused && answer.refusal !== '' ? answer.refusal : answer.text,
      model: answer.model,
      usage,
      stopReason: refused ? 'refusal' : stopReasonOf(answer.finish),
    } satisfies LlmResponse;
  } catch (error) {
    throw failureOf(error, call);
  }
}

/**
 * `max_completion_tokens` rather than the deprecated `max_tokens`, which OpenAI's reasoning models refuse; vLLM and
 * other OpenAI-compatible servers accept it as well.
 */
function paramsOf(request: LlmRequest): ChatCompletionCreateParamsStreaming {
  return {
    model: request.model,
    messages: [
      ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
      ...request.messages.map((message) => ({ role: message.role, content: message.content })),
    ],
    max_completion_tokens: request.maxOutputTokens,
    temperature: request.temperature,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    stream: true,
    stream_options: { include_usage: true },
  };
}

function stopReasonOf(finish: string): StopReason {
  if (finish === 'stop') return 'end';
  if (finish === 'length') return 'max-tokens';
  return 'other';
}

function failureOf(error: unknown, call: ProviderCall): unknown {
  return sdkFailureOf(error, call, OPENAI_ERRORS, apiMessage, (cause, detail) =>
    // An `error` object in the middle of the stream: the server gave up after it had started answering.
    call.failure('server', `the stream reported an error: ${detail}`, cause),
  );
}

function apiMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
}
