// A loopback server speaking Anthropic's streamed Messages API (`POST /v1/messages`, named SSE events), for tests.
import { bearerOf, startHttpLoopback } from './http-loopback.js';
import type { WireFormat } from './play-step.js';
import type { LoopbackOptions, LoopbackServer, ScriptStep } from './script.js';

const STOP_REASON = { end: 'end_turn', 'max-tokens': 'max_tokens', refusal: 'refusal' } as const;

const ERROR_TYPE: Record<number, string> = {
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

const wire: WireFormat = {
  streamHeaders: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  answer(shape) {
    const preamble = [
      event('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_loopback',
          type: 'message',
          role: 'assistant',
          model: shape.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: shape.usage.input, output_tokens: 1 },
        },
      }),
      event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      event('ping', { type: 'ping' }),
    ];
    const deltas = shape.chunks.map((text) =>
      event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    );
    const ending = [
      event('content_block_stop', { type: 'content_block_stop', index: 0 }),
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: STOP_REASON[shape.end], stop_sequence: null },
        usage: { output_tokens: shape.usage.output },
      }),
      event('message_stop', { type: 'message_stop' }),
    ];
    return { frames: [...preamble, ...deltas, ...ending], preamble: preamble.length };
  },
  streamError(kind, message) {
    const type = kind === 'throttled' ? 'rate_limit_error' : 'overloaded_error';
    return event('error', { type: 'error', error: { type, message } });
  },
  error(status, message) {
    return {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'error', error: { type: ERROR_TYPE[status] ?? 'api_error', message } }),
    };
  },
};

/** Starts the server; `url` is the base URL the Anthropic SDK takes. */
export function startAnthropicServer(script: ScriptStep[], options: LoopbackOptions = {}): Promise<LoopbackServer> {
  return startHttpLoopback(
    script,
    {
      match(method, url, body) {
        if (method !== 'POST' || url.pathname !== '/v1/messages') return undefined;
        const model = (body as { model?: unknown } | undefined)?.model;
        return { model: typeof model === 'string' ? model : 'unknown' };
      },
      // The SDK sends the key as a bearer token; older clients send `x-api-key`.
      keyOf: (headers) =>
        bearerOf(headers) ?? (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined),
      wire,
    },
    options,
  );
}

function event(name: string, value: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
}
