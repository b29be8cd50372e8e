// A loopback server speaking OpenAI's streamed chat completions (and Azure OpenAI's deployment paths), for tests.
import { bearerOf, type HttpRoute, startHttpLoopback } from './http-loopback.js';
import type { AnswerShape, WireFormat } from './play-step.js';
import type { LoopbackOptions, LoopbackServer, ScriptStep } from './script.js';

const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

const wire: WireFormat = {
  streamHeaders: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  answer(shape) {
    const start = chunk(shape, { role: 'assistant', content: '' }, null);
    const field = shape.end === 'refusal' ? 'refusal' : 'content';
    const deltas = shape.chunks.map((text) => chunk(shape, { [field]: text }, null));
    const finish = chunk(shape, {}, shape.end === 'max-tokens' ? 'length' : 'stop');
    const usage = data({
      ...envelope(shape),
      choices: [],
      usage: {
        prompt_tokens: shape.usage.input,
        completion_tokens: shape.usage.output,
        total_tokens: shape.usage.input + shape.usage.output,
      },
    });
    return { frames: [start, ...deltas, finish, usage, 'data: [DONE]\n\n'], preamble: 1 };
  },
  streamError(kind, message) {
    const type = kind === 'throttled' ? 'rate_limit_exceeded' : 'server_error';
    return data({ error: { message, type, param: null, code: type } });
  },
  error(status, message) {
    const type = status === 429 ? 'rate_limit_exceeded' : status === 404 ? 'not_found' : 'server_error';
    return {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { message, type, param: null, code: type } }),
    };
  },
};

/** Starts the server; `url` ends in `/v1`, the base URL the OpenAI SDK takes (Azure clients use it without `/v1`). */
export async function startOpenAiServer(script: ScriptStep[], options: LoopbackOptions = {}): Promise<LoopbackServer> {
  const route: HttpRoute = {
    match(method, url, body) {
      if (method !== 'POST') return undefined;
      const model = (body as { model?: unknown } | undefined)?.model;
      if (url.pathname === '/v1/chat/completions') return { model: typeof model === 'string' ? model : 'unknown' };
      const azure = AZURE_PATH.exec(url.pathname);
      if (azure?.[1] && url.searchParams.has('api-version')) return { model: decodeURIComponent(azure[1]) };
      return undefined;
    },
    // Azure sends its key as `api-key`; OpenAI as a bearer token.
    keyOf: (headers) => bearerOf(headers) ?? (typeof headers['api-key'] === 'string' ? headers['api-key'] : undefined),
    wire,
  };
  const server = await startHttpLoopback(script, route, options);
  return { ...server, url: `${server.url}/v1` };
}

function chunk(shape: AnswerShape, delta: Record<string, unknown>, finishReason: string | null): string {
  return data({ ...envelope(shape), choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
}

function envelope(shape: AnswerShape) {
  return { id: 'chatcmpl-loopback', object: 'chat.completion.chunk', created: 1_700_000_000, model: shape.model };
}

function data(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
