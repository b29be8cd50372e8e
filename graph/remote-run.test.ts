// Runs sharing a remote cache: the real `turborepo-remote-cache` server on loopback, two workspaces standing for two
// machines (same briefs, separate local caches). What one machine ran, the other takes from the remote, checked.
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree } from '../cache/file-tree.js';
import { startSilentServer } from '../cache/fixtures/hung-server.js';
import {
  closedLoopbackUrl,
  startTurboCacheServer,
  type TurboCacheServer,
} from '../cache/fixtures/turbo-cache-server.js';
import { HttpRemoteCache } from '../cache/remote-cache.js';
import { remoteCacheFromConfig } from '../cache/remote-config.js';
import type { RunEvent } from './events.js';
import {
  fakeBrief as brief,
  makeWorkspace,
  removeWorkspaces,
  runFake as run,
  taskStatuses as statuses,
  type TestWorkspace,
} from './testing/workspace.js';

const TOKEN = 'qlf-graph-remote-token-81d3';
let server: TurboCacheServer;
let storageRoot = '';
let teams = 0;

beforeAll(async () => {
  storageRoot = await mkdtemp(join(tmpdir(), 'qlf-remote-run-'));
  server = await startTurboCacheServer({ storage: join(storageRoot, 'storage'), token: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await removeWorkspaces();
  if (storageRoot) await rm(storageRoot, { recursive: true, force: true });
});

/** A remote client for a team of its own, so the tests in this file do not see each other's artifacts. */
function remoteFor(team: string, options: { readOnly?: boolean; url?: string; token?: string } = {}) {
  return new HttpRemoteCache({
    url: options.url ?? server.url,
    token: options.token ?? TOKEN,
    team,
    readOnly: options.readOnly,
    retries: 0,
  });
}

/** Two machines: workspaces with the same briefs and config, each with its own `.qlf` and output. */
async function twoMachines(): Promise<[TestWorkspace, TestWorkspace, string]> {
  const briefs = { payments: brief('payments'), orders: brief('orders', 'uses: [payments]\n') };
  teams++;
  return [await makeWorkspace(briefs), await makeWorkspace(briefs), `team-${teams}`];
}

async function artifactsOf(team: string): Promise<string[]> {
  return (await readdir(join(server.storage, team)).catch(() => [] as string[])).sort();
}

describe('runGraph with a remote cache', () => {
  it('uploads what one machine ran; the other takes every task from the remote, identical, then from its own cache', async () => {
    const [a, b, team] = await twoMachines();
    const first = await run(a, { remoteCache: remoteFor(team) });
    expect(first.totals).toMatchObject({ tasks: 6, success: 6, remoteCached: 0 });
    // the run waits for its uploads: one artifact per task hash once it has returned
    expect(await artifactsOf(team)).toEqual(first.tasks.map((t) => `${t.hash}`).sort());

    const warnings: RunEvent[] = [];
    const second = await run(b, {
      remoteCache: remoteFor(team),
      onEvent: (e) => e.type === 'run:warning' && warnings.push(e),
    });
    expect(warnings).toEqual([]);
    expect(second.tasks.map((t) => [t.id, t.status, t.cache])).toEqual(
      first.tasks.map((t) => [t.id, 'cached', 'remote']),
    );
    expect(second.totals).toMatchObject({ cached: 6, remoteCached: 6 });
    expect(second.tasks.map((t) => t.hash)).toEqual(first.tasks.map((t) => t.hash));
    expect(second.tasks.map((t) => t.terminalOutput)).toEqual(first.tasks.map((t) => t.terminalOutput));
    expect(await b.runs(), 'nothing ran on the second machine').toEqual([]);
    expect(await hashTree(join(b.root, 'dist', 'qlf'))).toEqual(await hashTree(join(a.root, 'dist', 'qlf')));

    const third = await run(b, { remoteCache: remoteFor(team) });
    expect(third.tasks.every((t) => t.status === 'cached' && t.cache === 'local')).toBe(true);
  });

  it('a read-only machine downloads but never uploads', async () => {
    const [a, b, team] = await twoMachines();
    await run(a, { remoteCache: remoteFor(team, { readOnly: true }) });
    expect(await artifactsOf(team)).toEqual([]);
    const writer = await run(b, { remoteCache: remoteFor(team) });
    expect(await artifactsOf(team)).toHaveLength(6);
    const [reader] = await twoMachines();
    const read = await run(reader, { remoteCache: remoteFor(team, { readOnly: true }) });
    expect(read.tasks.map((t) => [t.hash, t.cache])).toEqual(writer.tasks.map((t) => [t.hash, 'remote']));
  });

  it('an artifact that fails its checks is refused with a warning, and the task runs instead', async () => {
    const [a, b, team] = await twoMachines();
    const first = await run(a, { remoteCache: remoteFor(team) });
    const generate = first.tasks.find((t) => t.id === 'payments:generate')?.hash as string;
    // the artifact of payments:generate now holds another task's bytes
    const compile = first.tasks.find((t) => t.id === 'payments:compile')?.hash as string;
    await cp(join(server.storage, team, compile), join(server.storage, team, generate));

    const warnings: string[] = [];
    const second = await run(b, {
      remoteCache: remoteFor(team),
      onEvent: (e) => e.type === 'run:warning' && warnings.push(e.message),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /remote cache artifact .* refused: manifest\.json is for task .*running the task instead/,
    );
    expect(statuses(second)).toMatchObject({ 'payments:compile': 'cached', 'payments:generate': 'success' });
    expect(second.totals.failed).toBe(0);
    expect(await b.runs()).toEqual(['payments:generate']);
    // the task's real result replaced the bad artifact on the server
    expect(await readFile(join(server.storage, team, generate))).not.toEqual(
      await readFile(join(server.storage, team, compile)),
    );
  });

  it('a server that is down costs one warning, not the run and not one warning per task', async () => {
    const [a, , team] = await twoMachines();
    const closed = await closedLoopbackUrl();
    const warnings: { message: string; hint?: string }[] = [];
    const result = await run(a, {
      remoteCache: remoteFor(team, { url: closed }),
      onEvent: (e) => e.type === 'run:warning' && warnings.push(e),
    });
    expect(result.totals).toMatchObject({ tasks: 6, success: 6, failed: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      /^remote cache GET http:\/\/127\.0\.0\.1:\d+\/v8\/artifacts\/[0-9a-f]{12}… failed after 1 attempts: ECONNREFUSED; going on without the remote cache for this run$/,
    );
    expect(warnings[0]?.hint).toMatch(/server is down/);
  });

  it('a server that takes connections but never answers costs one short wait and one warning; the result is the same', async () => {
    const [a, b, team] = await twoMachines();
    const hung = await startSilentServer();
    try {
      // As a run builds it from qlf.config.ts, with the default retries.
      const config = { url: hung.url, team, readOnly: false, connectTimeoutSeconds: 1, firstByteTimeoutSeconds: 1 };
      const remoteCache = remoteCacheFromConfig({ cache: { remote: config } }, { QLF_REMOTE_CACHE_TOKEN: TOKEN });
      const warnings: { message: string; hint?: string }[] = [];
      const started = Date.now();
      const result = await run(a, {
        remoteCache,
        onEvent: (e) => e.type === 'run:warning' && warnings.push(e),
      });
      const elapsed = Date.now() - started;
      expect(result.totals).toMatchObject({ tasks: 6, success: 6, failed: 0, remoteCached: 0 });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(
        /^remote cache GET http:\/\/127\.0\.0\.1:\d+\/v8\/artifacts\/[0-9a-f]{12}… timed out: connected, but no response within 1 s; going on without the remote cache for this run$/,
      );
      expect(warnings[0]?.hint).toMatch(/does not answer/);
      expect(elapsed, 'one first-byte timeout, not one per task or attempt').toBeLessThan(6000);
      expect(hung.connections(), 'asked once, then never again').toBe(1);

      // Same hashes, same outputs as a machine with no remote cache at all: nothing depends on the timeout.
      const alone = await run(b, { remoteCache: false });
      expect(result.tasks.map((t) => [t.id, t.hash, t.terminalOutput])).toEqual(
        alone.tasks.map((t) => [t.id, t.hash, t.terminalOutput]),
      );
      expect(await hashTree(join(a.root, 'dist', 'qlf'))).toEqual(await hashTree(join(b.root, 'dist', 'qlf')));
      const again = await run(a, { remoteCache: false });
      expect(again.tasks.every((t) => t.status === 'cached' && t.cache === 'local')).toBe(true);
    } finally {
      await hung.stop();
    }
  });

  it('a refused token warns once without the token; the run succeeds from its own work', async () => {
    const [a, , team] = await twoMachines();
    const secret = 'wrong-token-never-printed-3a9f';
    const warnings: string[] = [];
    const result = await run(a, {
      remoteCache: remoteFor(team, { token: secret }),
      onEvent: (e) => e.type === 'run:warning' && warnings.push(JSON.stringify(e)),
    });
    expect(result.totals).toMatchObject({ success: 6, failed: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/remote cache GET .*: 401 .*going on without the remote cache for this run/);
    expect(warnings.join('\n')).not.toContain(secret);
  });

  it('a server refusing every request (no team) warns once, and the run does the work itself', async () => {
    const [a] = await twoMachines();
    const warnings: string[] = [];
    const noTeam = new HttpRemoteCache({ url: server.url, token: TOKEN, retries: 0 });
    const result = await run(a, {
      remoteCache: noTeam,
      onEvent: (e) => e.type === 'run:warning' && warnings.push(`${e.message} | ${e.hint}`),
    });
    expect(result.totals).toMatchObject({ success: 6, failed: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/: 400 .*going on without the remote cache for this run \| .*QLF_REMOTE_CACHE_TEAM/);
  });

  it('--no-cache turns the remote off too', async () => {
    const [a, , team] = await twoMachines();
    await run(a, { cache: false, remoteCache: remoteFor(team) });
    expect(await artifactsOf(team)).toEqual([]);
  });
});
