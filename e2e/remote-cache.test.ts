// End to end: two "CI machines" (two temp copies of the same example briefs, each with its own local cache) share
// task outputs through the real `turborepo-remote-cache` server on loopback, configured the way CI would be: only
// through QLF_REMOTE_CACHE_* variables. The second machine runs nothing and publishes the same bytes.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree } from '../cache/file-tree.js';
import {
  closedLoopbackUrl,
  startTurboCacheServer,
  type TurboCacheServer,
} from '../cache/fixtures/turbo-cache-server.js';
import { packagePath } from '../core/package-info.js';
import { runQlf, type TaskReport } from './run-qlf.js';

const built = existsSync(packagePath('dist', 'cli', 'commands', 'run.js'));
const PAIR = ['payments', 'orders'];
const examples = PAIR.map((name) => packagePath('examples', name, 'brief.qlf.yaml'));
const reason = !built ? 'dist/ is missing: run `npm run build`' : '';
if (reason) console.warn(`skipped: ${reason}`);

const TOKEN = 'qlf-e2e-remote-token-c41b7e';
const qlf = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => runQlf(cwd, args, { env });

describe.skipIf(reason !== '')('qlf run sharing a remote cache', () => {
  let server: TurboCacheServer;
  let temp = '';
  let remoteEnv: NodeJS.ProcessEnv = {};

  async function machine(name: string): Promise<string> {
    const root = join(temp, name);
    for (const [index, file] of examples.entries()) {
      await cp(dirname(file), join(root, 'briefs', PAIR[index] as string), { recursive: true });
    }
    await writeFile(join(root, 'qlf.config.json'), `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'] })}\n`);
    return root;
  }

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'qlf-e2e-remote-'));
    server = await startTurboCacheServer({ storage: join(temp, 'storage'), token: TOKEN });
    remoteEnv = { QLF_REMOTE_CACHE_URL: server.url, QLF_REMOTE_CACHE_TEAM: 'ci', QLF_REMOTE_CACHE_TOKEN: TOKEN };
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('a second machine takes every task from the remote cache and publishes identical output', {
    timeout: 240_000,
  }, async () => {
    const first = await machine('ci-1');
    const ran = qlf(first, ['run', '--stage', 'generate', '--json'], remoteEnv);
    expect(ran.code, ran.stderr).toBe(0);
    const ranTasks = JSON.parse(ran.stdout).tasks as TaskReport[];
    expect(ranTasks.map((t) => t.status)).toEqual(ranTasks.map(() => 'success'));
    expect((await readdir(join(server.storage, 'ci'))).sort()).toEqual(ranTasks.map((t) => t.hash).sort());

    const second = await machine('ci-2');
    const shared = qlf(second, ['run', '--stage', 'generate', '--json'], remoteEnv);
    expect(shared.code, shared.stderr).toBe(0);
    const report = JSON.parse(shared.stdout) as {
      tasks: TaskReport[];
      totals: { tasks: number; cached: number; remoteCached: number };
    };
    expect(report.tasks.map((t) => [t.id, t.hash, t.status, t.cache])).toEqual(
      ranTasks.map((t) => [t.id, t.hash, 'cached', 'remote']),
    );
    expect(report.totals).toMatchObject({ tasks: 4, cached: 4, remoteCached: 4 });
    // Same paths, sizes and sha256 for every published file: byte-identical output.
    expect(await hashTree(join(second, 'dist', 'qlf'))).toEqual(await hashTree(join(first, 'dist', 'qlf')));

    // The summary says where the hits came from; the token is printed nowhere.
    const third = await machine('ci-3');
    const text = qlf(third, ['run', '--stage', 'generate'], remoteEnv);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/payments:generate cached \(remote\)/);
    expect(text.stdout).toMatch(/4 cached \(4 remote\)/);
    expect(text.stdout + text.stderr).not.toContain(TOKEN);

    // `qlf cache stats` shows the remote and what its server says, not the token.
    const stats = qlf(third, ['cache', 'stats', '--json'], remoteEnv);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout).remote).toEqual({
      url: server.url,
      team: 'ci',
      readOnly: false,
      token: true,
      reachable: true,
      status: 'reachable, token accepted',
    });
    expect(stats.stdout).not.toContain(TOKEN);

    // --no-remote-cache: the local cache only.
    const alone = await machine('dev');
    const local = qlf(alone, ['run', '--stage', 'generate', '--json', '--no-remote-cache'], remoteEnv);
    expect(local.code, local.stderr).toBe(0);
    expect((JSON.parse(local.stdout).tasks as TaskReport[]).every((t) => t.status === 'success')).toBe(true);
  });

  it('with the server down the run warns once on stderr and does the work itself', { timeout: 120_000 }, async () => {
    const root = await machine('offline');
    const closed = await closedLoopbackUrl();
    const down = qlf(root, ['run', '--stage', 'compile', '--json'], { ...remoteEnv, QLF_REMOTE_CACHE_URL: closed });
    expect(down.code, down.stderr).toBe(0);
    expect((JSON.parse(down.stdout).tasks as TaskReport[]).map((t) => t.status)).toEqual(['success', 'success']);
    expect(down.stderr.match(/ECONNREFUSED; going on without the remote cache for this run/g)).toHaveLength(1);
    expect(down.stderr).toMatch(/fix: The cache server is down/);
    expect(down.stderr).not.toContain(TOKEN);
  });
});
