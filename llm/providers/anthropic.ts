// Anthropic through `@anthropic-ai/sdk`: one streamed Messages API call per call.
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { LlmRequest, LlmResponse, StopReason } from '../types.js';
import { type ProviderAdapter, type ProviderCall, sdkFailureOf } from './adapter.js';

export interface AnthropicAdapterOptions {
  apiKey: string;
  baseURL: string;
}

/** Error types Anthropic sends in an `error` event once the stream has started. */
const ANTHROPIC_ERRORS = { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError };
const STREAM_ERROR_KIND = { overloaded_error: 'server', api_error: 'server', rate_limit_error: 'rate-limit' } as const;

export function createAnthropicAdapter(options: AnthropicAdapterOptions): ProviderAdapter {
  return {
    complete: (request, call) => {
      // qlf retries and times out calls itself; the client is built per call so its fetch can watch that call's bytes.
      const client = new Anthropic({
        apiKey: options.apiKey,
        baseURL: options.baseURL,
        maxRetries: 0,
        fetch: call.fetch,
        logLevel: 'off',
      });
      return streamMessage(client, request, call);
    },
  };
}

async function streamMessage(client: Anthropic, request: LlmRequest, call: ProviderCall): Promise<LlmResponse> {
  try {
    const stream = await client.messages.create(paramsOf(request), { signal: call.signal });
    const answer = { text: '', model: request.model, stop: null as string | null, ended: false };
    const usage = { inputTokens: 0, outputTokens: 0 };
    for await (const event of stream) {
      switch (event.type) {
        case 'message_start':
          answer.model = event.message.model;
          usage.inputTokens = event.message.usage.input_tokens;
          usage.outputTokens = event.message.usage.output_tokens;
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') answer.text += event.delta.text;
          break;
        case 'message_delta':
          answer.stop = event.delta.stop_reason;
          // Output counts are cumulative; the input count is repeated here only by newer API versions.
          usage.outputTokens = event.usage.output_tokens;
          if (event.usage.input_tokens != null) usage.inputTokens = event.usage.input_tokens;
          break;
        case 'message_stop':
          answer.ended = true;
          break;
      }
    }
    // An aborted call ends the SDK's loop quietly, and a server can close the stream early: no `message_stop` either way.
    if (!answer.ended) throw call.failure('network', 'the stream ended before the answer was complete');
    return { text: answer.text, model: answer.model, usage, stopReason: stopReasonOf(answer.stop) };
  } catch (error) {
    throw failureOf(error, call);
  }
}

/**
 * No `temperature`: API version 2026-10-21, which this SDK sends, refuses every sampling parameter with a 400 (and the
 * SDK no longer types them), so Anthropic answers are as repeatable as the model makes them.
 */
function paramsOf(request: LlmRequest): MessageCreateParamsStreaming {
  return {
    model: request.model,
    ...(request.system ? { system: request.system } : {}),
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    max_tokens: request.maxOutputTokens,
    stream: true,
  };
}

function stopReasonOf(stop: string | null): StopReason {
  if (stop === 'end_turn' || stop === 'stop_sequence') return 'end';
  if (stop === 'max_tokens' || stop === 'model_context_window_exceeded') return 'max-tokens';
  if (stop === 'refusal') return 'refusal';
  return 'other';
}

function failureOf(error: unknown, call: ProviderCall): unknown {
  return sdkFailureOf(
    error,
    call,
    ANTHROPIC_ERRORS,
    (cause) => cause.apiMessage ?? cause.message,
    (cause, detail) => {
      const kind = STREAM_ERROR_KIND[cause.type as keyof typeof STREAM_ERROR_KIND] ?? 'server';
      return call.failure(kind, `the stream reported ${cause.type ?? 'an error'}: ${detail}`, cause);
    },
  );
}
