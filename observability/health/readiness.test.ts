import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedConfig } from '../../workspace/config.js';
import { checkReadiness } from './readiness.js';

/** A server that accepts connections and never answers: what a hung cache looks like. */
async function hangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(() => undefined);
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

describe('checkReadiness', () => {
  let root: string;
  const configWith = async (settings: object): Promise<ResolvedConfig> => {
    await writeFile(join(root, 'qlf.config.json'), JSON.stringify(settings));
    return loadConfig(root);
  };
  const byName = (report: Awaited<ReturnType<typeof checkReadiness>>) =>
    Object.fromEntries(report.checks.map((check) => [check.name, check]));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-ready-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('is ready with the defaults: config, a writable cache folder, no remote cache, templates', async () => {
    const config = await configWith({});
    const report = await checkReadiness({ loadConfig: async () => config, env: {} });
    expect(report.status).toBe('ok');
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['config', 'ok'],
      ['cache-dir', 'ok'],
      ['remote-cache', 'skipped'],
      ['llm-keys', 'skipped'],
    ]);
    for (const check of report.checks) expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    // The probe file is gone again.
    expect(await readdir(config.cacheDir)).toEqual([]);
  });

  it('reports a hanging remote cache as failed within the time limit, not hanging itself', async () => {
    const server = await hangingServer();
    try {
      const config = await configWith({ cache: { remote: { url: server.url } } });
      const started = Date.now();
      const report = await checkReadiness({ loadConfig: async () => config, env: {} });
      const elapsed = Date.now() - started;
      expect(report.status).toBe('failed');
      expect(byName(report)['remote-cache']).toMatchObject({ status: 'failed', detail: 'no answer within 2000 ms' });
      expect(byName(report)['remote-cache']?.latencyMs).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(3000);
    } finally {
      await server.close();
    }
  });

  it('reports a remote cache that answers, whatever the status, as reachable', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const config = await configWith({ cache: { remote: { url: `http://127.0.0.1:${port}` } } });
      const report = await checkReadiness({ loadConfig: async () => config, env: {} });
      expect(byName(report)['remote-cache']).toMatchObject({ status: 'ok', detail: 'HTTP 404' });
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it('fails when the cache folder cannot take a write', async () => {
    await writeFile(join(root, 'a-file'), 'not a folder');
    const config = await configWith({ cacheDir: 'a-file/cache' });
    const report = await checkReadiness({ loadConfig: async () => config, env: {} });
    expect(report.status).toBe('failed');
    expect(byName(report)['cache-dir']?.status).toBe('failed');
    expect(byName(report)['cache-dir']?.detail).toMatch(/ENOTDIR|EEXIST/);
  });

  it('checks the key variables of the chosen provider, never their values', async () => {
    const config = await configWith({ generate: { provider: 'anthropic' }, llm: { failover: ['openai'] } });
    const missing = await checkReadiness({ loadConfig: async () => config, env: {} });
    expect(byName(missing)['llm-keys']).toMatchObject({
      status: 'failed',
      detail: 'anthropic: ANTHROPIC_API_KEY is not set',
    });
    const present = await checkReadiness({ loadConfig: async () => config, env: { ANTHROPIC_API_KEY: 'sk-secret' } });
    expect(present.status).toBe('ok');
    expect(byName(present)['llm-keys']).toMatchObject({
      status: 'ok',
      detail: 'failover leaves out openai (OPENAI_API_KEY is not set)',
    });
    expect(JSON.stringify(present)).not.toContain('sk-secret');
  });

  it('fails on a config that does not load, and skips the checks that need it', async () => {
    const report = await checkReadiness({
      loadConfig: async () => {
        throw new Error('invalid config in qlf.config.json');
      },
    });
    expect(report.status).toBe('failed');
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['config', 'failed'],
      ['cache-dir', 'skipped'],
      ['remote-cache', 'skipped'],
      ['llm-keys', 'skipped'],
    ]);
    expect(report.checks[0]?.detail).toContain('invalid config');
  });
});
