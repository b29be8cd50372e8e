// The cache facade of a run: where a hit comes from, what a store shares, and that the remote never fails a lookup.
// The remote is the real `turborepo-remote-cache` server on loopback.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../core/hash.js';
import { closedLoopbackUrl, startTurboCacheServer, type TurboCacheServer } from './fixtures/turbo-cache-server.js';
import { HttpRemoteCache } from './remote-cache.js';
import type { RemoteWarning } from './remote-sharing.js';
import { TaskCache } from './task-cache.js';

const TOKEN = 'qlf-task-cache-token-7e41';
const temps: string[] = [];
let server: TurboCacheServer;
let teams = 0;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-task-cache-'));
  temps.push(dir);
  return dir;
}

beforeAll(async () => {
  server = await startTurboCacheServer({ storage: join(await tempDir(), 'storage'), token: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A machine: its own local cache, sharing `team`'s artifacts on the server (or `url`), with the warnings it got. */
async function machine(team: string, options: { readOnly?: boolean; url?: string; remote?: false } = {}) {
  const warnings: RemoteWarning[] = [];
  const remote =
    options.remote === false
      ? undefined
      : new HttpRemoteCache({
          url: options.url ?? server.url,
          token: TOKEN,
          team,
          readOnly: options.readOnly,
          retries: 0,
        });
  const cache = new TaskCache({ dir: join(await tempDir(), 'cache'), remote, warn: (w) => warnings.push(w) });
  return { cache, warnings };
}

/** A task's outputs in a fresh folder. */
async function outputs(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const meta = (hash: string) => ({
  taskId: 'shop:compile',
  hash,
  terminalOutput: 'compiled',
  durationMs: 42,
  qlfVersion: '0.1.0',
});
const FILES = { 'ir.json': '{"name":"shop"}\n', 'service/app/main.py': 'print("shop")\n' };

function newTeam(): string {
  teams++;
  return `team-${teams}`;
}

describe('TaskCache', () => {
  it('answers a hit from the local cache as local, restored into the target', async () => {
    const { cache } = await machine(newTeam());
    const hash = sha256('local hit');
    const stored = await cache.store(await outputs(FILES), meta(hash));
    const target = await tempDir();
    const hit = await cache.lookup(hash, target);
    expect(hit?.source).toBe('local');
    expect(hit?.entry.manifest).toEqual(stored.manifest);
    expect(await readFile(join(target, 'service', 'app', 'main.py'), 'utf8')).toBe(FILES['service/app/main.py']);
  });

  it('answers what another machine stored as remote, and keeps it locally for the next lookup', async () => {
    const team = newTeam();
    const a = await machine(team);
    const hash = sha256('shared');
    await a.cache.store(await outputs(FILES), meta(hash));
    await a.cache.settle();
    const b = await machine(team);
    const first = await b.cache.lookup(hash, await tempDir());
    expect(first?.source).toBe('remote');
    expect(first?.entry.manifest.terminalOutput).toBe('compiled');
    const target = await tempDir();
    expect((await b.cache.lookup(hash, target))?.source).toBe('local');
    expect(await readFile(join(target, 'ir.json'), 'utf8')).toBe(FILES['ir.json']);
    expect(await b.cache.restore(hash, await tempDir())).toBe(true);
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('a read-only machine stores locally and uploads nothing', async () => {
    const team = newTeam();
    const { cache } = await machine(team, { readOnly: true });
    const hash = sha256('read-only');
    await cache.store(await outputs(FILES), meta(hash));
    await cache.settle();
    expect(await readdir(join(server.storage, team)).catch(() => [])).toEqual([]);
    expect((await cache.lookup(hash, await tempDir()))?.source).toBe('local');
  });

  it('a miss is undefined; a server that is down makes it a miss with one warning, not an error', async () => {
    const { cache, warnings } = await machine(newTeam(), { url: await closedLoopbackUrl() });
    expect(await cache.lookup(sha256('nowhere'), await tempDir())).toBeUndefined();
    expect(await cache.lookup(sha256('nowhere either'), await tempDir())).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/going on without the remote cache for this run$/);
  });

  it('restore reads only the local cache: an entry only the remote has is not restored', async () => {
    const team = newTeam();
    const a = await machine(team);
    const hash = sha256('remote only');
    await a.cache.store(await outputs(FILES), meta(hash));
    await a.cache.settle();
    const b = await machine(team);
    expect(await b.cache.restore(hash, await tempDir())).toBe(false);
    const alone = await machine(team, { remote: false });
    expect(await alone.cache.lookup(hash, await tempDir())).toBeUndefined();
  });
});
