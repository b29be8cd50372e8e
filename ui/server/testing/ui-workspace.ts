// A temporary workspace with the bundled `shop` example brief and a UI server over it on loopback, for the server's
// tests: real HTTP through node:http, so tests can send any Host, Origin or content type a browser or an attacker would.

import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../../core/package-info.js';
import { startUiServer, type UiServer } from '../server.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

export interface UiWorkspace {
  root: string;
  /** A folder beside the workspace, outside it. */
  outside: string;
  server: UiServer;
  /** `host:port` the server accepts. */
  host: string;
  request(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: string | object },
  ): Promise<Answer>;
  close(): Promise<void>;
}

export const SHOP_BRIEF = 'briefs/shop/brief.qlf.yaml';

/** Creates the workspace (and a folder outside it), starts the server on 127.0.0.1 with a stand-in app page. */
export async function startUiWorkspace(config: Record<string, unknown> = {}): Promise<UiWorkspace> {
  const base = await mkdtemp(join(tmpdir(), 'qlf-ui-test-'));
  const root = join(base, 'workspace');
  const outside = join(base, 'outside');
  await mkdir(outside, { recursive: true });
  await mkdir(join(root, 'briefs', 'shop'), { recursive: true });
  await cp(packagePath('examples', 'shop', 'brief.qlf.yaml'), join(root, SHOP_BRIEF));
  await writeFile(join(root, 'qlf.config.json'), JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], ...config }));
  const appDir = join(base, 'app');
  await mkdir(appDir);
  await writeFile(join(appDir, 'index.html'), '<!doctype html><title>qlf</title>');
  await writeFile(join(appDir, 'app.js'), 'console.log("qlf")');
  const server = await startUiServer({ cwd: root, host: '127.0.0.1', port: 0, appDir });
  const host = `127.0.0.1:${server.port}`;
  return {
    root,
    outside,
    server,
    host,
    request(method, path, options = {}) {
      const body =
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body);
      const headers: Record<string, string> = {
        host,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      };
      return new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
          );
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    async close() {
      await server.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}
