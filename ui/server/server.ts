// The `qlf ui` server: the bundled browser app and a JSON API over one workspace, on loopback unless told otherwise.
// It keeps no state of its own: everything it shows is read from the workspace (briefs, working copies, published
// outputs, qlf's records under `.qlf/`), except the run it is doing for the pages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UiEvent } from '../shared/api.js';
import { ConfigSource } from './config-source.js';
import { EventStream } from './event-stream.js';
import { ApiError, errorAnswer, sendJson } from './http-util.js';
import { allowedHosts, guardRequest } from './request-guard.js';
import { checkRunRequest, matchRoute, type RouteContext } from './routes.js';
import { RunHub } from './run-hub.js';
import { StaticAssets } from './static-assets.js';
import { WorkspaceWatch } from './workspace-watch.js';

export interface UiServerOptions {
  /** A folder inside the workspace. */
  cwd: string;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Where the bundled app is. @default dist/ui/app of the qlf package */
  appDir?: string;
}

export interface UiServer {
  url: string;
  host: string;
  port: number;
  root: string;
  /** Bytes of the app's files, raw and gzipped. */
  assets: StaticAssets;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const source = await ConfigSource.load(options.cwd);
  const assets = await StaticAssets.load(options.appDir);
  const config = () => source.get();
  const events = new EventStream();
  const send = (event: UiEvent) => events.send(event);
  const watch = new WorkspaceWatch(config, send);
  const hub = new RunHub({
    config,
    check: checkRunRequest,
    onRun: (run) => send({ type: 'run', run }),
    onTask: (runId, task) => send({ type: 'task', runId, task }),
  });
  let hosts = new Set<string>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const answer = async () => {
      guardRequest(req, hosts);
      const method = req.method ?? 'GET';
      if (!url.pathname.startsWith('/api/')) {
        if ((method === 'GET' || method === 'HEAD') && assets.serve(req, res, url.pathname)) return;
        throw new ApiError(404, 'E_UI_NOT_FOUND', `no such page: ${url.pathname}`);
      }
      const { route, params } = matchRoute(method, url.pathname);
      const ctx: RouteContext = { req, res, url, params, config, hub, events, watch };
      const result = await route.handle(ctx);
      if (result !== 'handled') sendJson(res, result.status ?? 200, result.json);
    };
    answer().catch((error: unknown) => {
      const { status, body } = errorAnswer(error);
      if (res.headersSent) res.end();
      else sendJson(res, status, body);
    });
  });
  // Slow clients may not hold a connection open forever; the event stream is kept alive by its own keepalive.
  server.headersTimeout = 20_000;
  server.requestTimeout = 0;
  const address = await listen(server, host, options.port ?? 0);
  hosts = allowedHosts(host, address.port);
  await watch.start();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : shownHost}:${address.port}/`,
    host,
    port: address.port,
    root: source.root,
    assets,
    async close() {
      watch.stop();
      await hub.close();
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
