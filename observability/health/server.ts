// The HTTP endpoints of a long-running qlf: `/metrics` (Prometheus exposition), `/healthz` (the process answers) and
// `/readyz` (the readiness checks as JSON, 503 when one failed). Loopback by default: metrics name briefs' stages and
// the readiness details name paths.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ReadinessReport } from './readiness.js';

export interface HealthServerOptions {
  registry: Registry;
  readiness(): Promise<ReadinessReport>;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. */
  port: number;
}

export interface HealthServer {
  /** `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(head ? undefined : body);
}

async function handle(options: HealthServerOptions, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const head = request.method === 'HEAD';
  if (request.method !== 'GET' && !head) {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n', false);
  }
  if (path === '/metrics') {
    return send(response, 200, options.registry.contentType, await options.registry.metrics(), head);
  }
  if (path === '/healthz') return send(response, 200, 'text/plain; charset=utf-8', 'ok\n', head);
  if (path === '/readyz') {
    const report = await options.readiness();
    const body = `${JSON.stringify(report)}\n`;
    return send(response, report.status === 'ok' ? 200 : 503, 'application/json', body, head);
  }
  send(response, 404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n', head);
}

/** Starts listening; rejects when the port cannot be bound (in use, not allowed). */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `${String(error)}\n`, false);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
