// An HTTP/1.1 server on 127.0.0.1 that records each request and plays the next script step: the base of the servers
// for the providers that stream server-sent events (OpenAI, Azure OpenAI, Anthropic).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { playStep, type Responder, type WireFormat } from './play-step.js';
import {
  type LoopbackOptions,
  type LoopbackServer,
  type RecordedRequest,
  readJsonBody,
  type ScriptStep,
} from './script.js';

export interface HttpRoute {
  /** The model a request to this provider's endpoint names; `undefined` when the path is not the endpoint. */
  match(method: string, url: URL, body: unknown): { model: string } | undefined;
  /** The key the request carries, from whichever header the provider uses. */
  keyOf(headers: IncomingHttpHeaders): string | undefined;
  wire: WireFormat;
}

export async function startHttpLoopback(
  script: ScriptStep[],
  route: HttpRoute,
  options: LoopbackOptions,
): Promise<LoopbackServer> {
  const steps = [...script];
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readJsonBody(req);
    const method = req.method ?? 'GET';
    const key = route.keyOf(req.headers);
    requests.push({
      method,
      path: url.pathname + url.search,
      body,
      headerNames: Object.keys(req.headers).sort(),
      keyMatched: options.expectedKey !== undefined && key === options.expectedKey,
    });
    const matched = route.match(method, url, body);
    const out = responderFor(res);
    if (!matched) {
      const error = route.wire.error(404, `No route for ${method} ${url.pathname}.`);
      out.head(404, error.headers);
      out.write(error.body);
      out.end();
      return;
    }
    await playStep(steps.shift(), out, route.wire, matched.model);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      // Hung and kept-alive connections would otherwise hold `close` open and leave handles behind in the test run.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function responderFor(res: ServerResponse): Responder {
  return {
    head(status, headers) {
      res.writeHead(status, headers);
      res.flushHeaders();
    },
    write(frame) {
      res.write(frame);
    },
    end() {
      res.end();
    },
    destroy() {
      res.socket?.destroy();
    },
    get closed() {
      return res.destroyed || res.socket === null || res.socket.destroyed;
    },
  };
}

/** The bearer token of an `Authorization` header. */
export function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : undefined;
}
