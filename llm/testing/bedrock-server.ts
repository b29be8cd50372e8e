// A loopback server speaking Bedrock's ConverseStream over cleartext HTTP/2 (the Bedrock client's default transport):
// `POST /model/{modelId}/converse-stream` answered with application/vnd.amazon.eventstream frames, for tests.
import { createServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { eventFrame, exceptionFrame } from './event-stream-frame.js';
import { playStep, type Responder, type WireFormat } from './play-step.js';
import {
  type LoopbackOptions,
  type LoopbackServer,
  type RecordedRequest,
  readJsonBody,
  type ScriptStep,
} from './script.js';

const CONVERSE_STREAM = /^\/model\/([^/]+)\/converse-stream$/;

const STOP_REASON = { end: 'end_turn', 'max-tokens': 'max_tokens', refusal: 'content_filtered' } as const;

const ERROR_TYPE: Record<number, string> = {
  404: 'ResourceNotFoundException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
  529: 'ServiceUnavailableException',
};

const wire: WireFormat = {
  streamHeaders: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'loopback' },
  answer(shape) {
    const deltas = shape.chunks.map((text) =>
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }),
    );
    const frames = [
      eventFrame('messageStart', { role: 'assistant' }),
      ...deltas,
      eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      eventFrame('messageStop', { stopReason: STOP_REASON[shape.end] }),
      eventFrame('metadata', {
        usage: {
          inputTokens: shape.usage.input,
          outputTokens: shape.usage.output,
          totalTokens: shape.usage.input + shape.usage.output,
        },
        metrics: { latencyMs: 1 },
      }),
    ];
    return { frames, preamble: 1 };
  },
  streamError(kind, message) {
    return exceptionFrame(kind === 'throttled' ? 'throttlingException' : 'serviceUnavailableException', message);
  },
  error(status, message) {
    return {
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': ERROR_TYPE[status] ?? 'InternalServerException',
      },
      body: JSON.stringify({ message }),
    };
  },
};

/** Starts the server; `url` is the endpoint to give the Bedrock client. */
export async function startBedrockServer(script: ScriptStep[], options: LoopbackOptions = {}): Promise<LoopbackServer> {
  const steps = [...script];
  const requests: RecordedRequest[] = [];
  const sessions = new Set<Http2Session>();
  const server = createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => undefined);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', async (stream, headers) => {
    stream.on('error', () => undefined);
    const url = new URL(String(headers[':path'] ?? '/'), 'http://127.0.0.1');
    const method = String(headers[':method'] ?? 'GET');
    const body = await readJsonBody(stream);
    requests.push({
      method,
      path: url.pathname + url.search,
      body,
      headerNames: Object.keys(headers)
        .filter((name) => !name.startsWith(':'))
        .sort(),
      keyMatched: options.expectedKey !== undefined && keyOf(headers) === options.expectedKey,
    });
    const modelId = method === 'POST' ? CONVERSE_STREAM.exec(url.pathname)?.[1] : undefined;
    const out = responderFor(stream);
    if (modelId === undefined) {
      const error = wire.error(404, `No route for ${method} ${url.pathname}.`);
      out.head(404, error.headers);
      out.write(error.body);
      out.end();
      return;
    }
    await playStep(steps.shift(), out, wire, decodeURIComponent(modelId));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      // A hung stream keeps its session open, and `server.close` waits for every session.
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The access key id of a SigV4 `Authorization` header, or a Bedrock API key sent as a bearer token. */
function keyOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  if (value.startsWith('Bearer ')) return value.slice('Bearer '.length);
  return /Credential=([^/]+)\//.exec(value)?.[1];
}

function responderFor(stream: ServerHttp2Stream): Responder {
  return {
    head(status, headers) {
      stream.respond({ ':status': status, ...headers });
    },
    write(frame) {
      stream.write(frame);
    },
    end() {
      stream.end();
    },
    destroy() {
      stream.session?.destroy();
    },
    get closed() {
      return stream.destroyed || stream.closed;
    },
  };
}
