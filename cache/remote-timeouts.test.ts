// The remote cache's time limits against real loopback servers: a hung server costs one short wait and no retry, a
// server that cannot be connected to costs the connect timeout, and a slow transfer that keeps moving is never cut off.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../core/hash.js';
import { type HungServer, startSilentServer, startStoppedServer } from './fixtures/hung-server.js';
import { HttpRemoteCache } from './remote-cache.js';
import { remoteCacheFromConfig } from './remote-config.js';

const hash = (name: string) => sha256(`task ${name}`);
const stops: (() => Promise<void>)[] = [];

afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
});

async function hung<T extends HungServer>(start: () => Promise<T>): Promise<T> {
  const server = await start();
  stops.push(() => server.stop());
  return server;
}

/** An HTTP server answering with `handler`; counts TCP connections. */
async function slowServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    handler(req, res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

/** How long `work` takes, in ms, and what it threw. */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: Date.now() - started, error };
}

describe('HttpRemoteCache time limits', () => {
  it('gives up on a server that takes connections but never answers after the first-byte timeout, without retrying', async () => {
    const server = await hung(startSilentServer);
    // Configured as users do, in seconds; three attempts would be allowed for a refused connection.
    const remote = remoteCacheFromConfig(
      { cache: { remote: { url: server.url, team: 't', readOnly: false, firstByteTimeoutSeconds: 0.3 } } },
      {},
      { retries: 2, retryBaseMs: 10 },
    ) as HttpRemoteCache;
    for (const [what, request] of [
      ['GET', () => remote.fetch(hash('a'))],
      ['PUT', () => remote.store(hash('a'), new Uint8Array(1024))],
    ] as const) {
      const { ms, error } = await timed(request);
      expect(error).toMatchObject({ code: 'E_REMOTE_CACHE_TIMEOUT', kind: 'work' });
      expect((error as Error).message).toMatch(
        new RegExp(
          `^remote cache ${what} http://127\\.0\\.0\\.1:\\d+/v8/artifacts/[0-9a-f]{12}… timed out: connected, but no response within 0\\.3 s$`,
        ),
      );
      expect((error as { hint: string }).hint).toMatch(/does not answer.*cache\.remote\.firstByteTimeoutSeconds/);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(2000);
    }
    expect(server.connections(), 'one connection per request: no retry after a timeout').toBe(2);
  });

  it('gives up on a stopped server whose connections hang after the connect timeout', async () => {
    const server = await hung(startStoppedServer);
    const remote = new HttpRemoteCache({ url: server.url, connectTimeoutMs: 300, retries: 2, retryBaseMs: 10 });
    const { ms, error } = await timed(() => remote.fetch(hash('b')));
    expect(error).toMatchObject({
      code: 'E_REMOTE_CACHE_TIMEOUT',
      message: expect.stringMatching(/timed out: could not connect within 0\.3 s$/),
      hint: expect.stringMatching(/cannot be reached.*cache\.remote\.connectTimeoutSeconds/),
    });
    expect(ms).toBeLessThan(2000);
    expect(await remote.status()).toEqual({ ok: false, detail: 'could not connect within 0.3 s' });
  });

  it('keeps a download that keeps moving for longer than the timeout, and cuts off one that stalls', async () => {
    const chunks = 8;
    const { url } = await slowServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(Buffer.alloc(1000, sent));
        // `stall` sends two chunks, then nothing
        if (++sent === chunks || (req.url?.includes(hash('stall')) && sent === 2)) {
          clearInterval(timer);
          if (sent === chunks) res.end();
        }
      }, 100);
      res.on('close', () => clearInterval(timer));
    });
    const remote = new HttpRemoteCache({ url, firstByteTimeoutMs: 400 });
    const { ms } = await timed(async () => expect((await remote.fetch(hash('slow')))?.length).toBe(chunks * 1000));
    expect(ms, 'longer than the timeout, and not cut off').toBeGreaterThan(600);
    const stalled = await timed(() => remote.fetch(hash('stall')));
    expect(stalled.error).toMatchObject({
      code: 'E_REMOTE_CACHE_TIMEOUT',
      message: expect.stringMatching(/timed out: the transfer stalled for 0\.4 s$/),
    });
  });

  it('reuses an idle keep-alive connection without a stray timeout', async () => {
    const { url, connections } = await slowServer((_req, res) => res.writeHead(200).end('artifact'));
    const remote = new HttpRemoteCache({ url, connectTimeoutMs: 200, firstByteTimeoutMs: 200 });
    expect(new TextDecoder().decode(await remote.fetch(hash('c')))).toBe('artifact');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(new TextDecoder().decode(await remote.fetch(hash('c')))).toBe('artifact');
    expect(connections()).toBe(1);
  });
});
