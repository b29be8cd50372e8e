// `qlf run` as a user runs it: the built bin/qlf.js on a temp workspace, driven by the fake stage tasks.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCache } from '../../cache/local-cache.js';
import { packagePath } from '../../core/package-info.js';
import { fakeTaskModule, makeWorkspace, removeWorkspaces } from '../../graph/testing/workspace.js';

const bin = packagePath('bin', 'qlf.js');
const built = existsSync(packagePath('dist', 'cli', 'commands', 'run.js'));
if (!built) console.warn('skipped: dist/ is missing; run `npm run build` to test the built `qlf run`');

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function qlf(cwd: string, args: string[]): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, QLF_TASK_MODULE: fakeTaskModule, CI: '1', NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Done>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

async function cacheIsConsistent(dir: string): Promise<number> {
  const cache = new LocalCache(dir);
  const entries = await cache.list();
  for (const entry of entries) expect(await cache.has(entry.hash)).toBe(true);
  expect(await readdir(join(dir, 'tmp')).catch(() => [])).toEqual([]);
  return entries.length;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const brief = (name: string, extra = '') => `name: ${name}\ndescription: ${name} things\n${extra}`;

afterAll(removeWorkspaces);

describe.skipIf(!built)('qlf run (built CLI)', () => {
  it('prints --json results, exits 1 on a failed task and 2 on bad input', async () => {
    const ws = await makeWorkspace({ a: brief('a'), b: brief('b', 'failAt: verify\n') });
    const { done } = qlf(ws.root, ['run', '--json', '--continue']);
    const result = await done;
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.totals).toMatchObject({ tasks: 6, success: 5, failed: 1 });
    expect(json.tasks.find((t: { id: string }) => t.id === 'b:verify')).toMatchObject({
      status: 'failed',
      cache: null,
      error: 'verify failed on purpose',
    });
    expect(Object.keys(json.tasks[0]).sort()).toEqual([
      'brief',
      'cache',
      'durationMs',
      'hash',
      'id',
      'skips',
      'stage',
      'status',
    ]);
    expect((await qlf(ws.root, ['run', '--stage', 'nope']).done).code).toBe(2);
    expect((await qlf(ws.root, ['run', '--concurrency', 'x']).done).code).toBe(2);
  });

  it('two runs at once on one workspace both succeed and leave a consistent cache', async () => {
    const ws = await makeWorkspace({
      a: brief('a', 'sleepMs: 300\n'),
      b: brief('b', 'sleepMs: 300\n'),
      c: brief('c', 'uses: [a]\n'),
    });
    const [one, two] = await Promise.all([qlf(ws.root, ['run', '--json']).done, qlf(ws.root, ['run', '--json']).done]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    const totals = [JSON.parse(one.stdout).totals, JSON.parse(two.stdout).totals];
    // each task really ran once: the second run waited for the lock and then hit the cache
    expect(totals.map((t) => t.success).sort()).toEqual([0, 9]);
    expect(await ws.runs()).toHaveLength(9);
    expect(await cacheIsConsistent(join(ws.root, '.qlf', 'cache'))).toBe(9);
    expect(existsSync(join(ws.root, '.qlf', 'run.lock'))).toBe(false);
  });

  it('SIGINT mid-run exits non-zero quickly; the next run succeeds with a consistent cache', async () => {
    const ws = await makeWorkspace({ a: brief('a', 'sleepMs: 30000\n'), b: brief('b') });
    const { child, done } = qlf(ws.root, ['run']);
    const deadline = Date.now() + 20_000;
    while (!(await ws.runs()).includes('a:generate') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const sent = Date.now();
    child.kill('SIGINT');
    const result = await done;
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('interrupted');
    await cacheIsConsistent(join(ws.root, '.qlf', 'cache'));
    await ws.write('briefs/a/brief.qlf.yaml', brief('a', 'sleepMs: 10\n'));
    const next = await qlf(ws.root, ['run', '--json']).done;
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout).totals).toMatchObject({ tasks: 6, failed: 0 });
    await cacheIsConsistent(join(ws.root, '.qlf', 'cache'));
    expect(await readFile(join(ws.root, 'dist', 'qlf', 'a', 'verify', 'report.json'), 'utf8')).toContain('"passed"');
  });

  it('SIGINT also stops the child processes a running task started', async () => {
    const ws = await makeWorkspace({ a: brief('a', 'childSleepMs: 60000\n') });
    const { child, done } = qlf(ws.root, ['run']);
    const pidFile = join(ws.root, 'child.pid');
    const deadline = Date.now() + 20_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).not.toBe(0);
    const gone = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(pid)).toBe(false);
  });

  it('qlf graph prints JSON and dot; qlf cache stats, prune and clean manage the cache', async () => {
    const ws = await makeWorkspace({ a: brief('a'), b: brief('b', 'uses: [a]\n') });
    const graph = await qlf(ws.root, ['graph', '--json']).done;
    expect(graph.code).toBe(0);
    const { nodes, edges } = JSON.parse(graph.stdout);
    expect(nodes).toHaveLength(6);
    expect(edges).toContainEqual({ from: 'b:generate', to: 'a:generate', kind: 'uses' });
    const dot = await qlf(ws.root, ['graph', '--dot']).done;
    expect(dot.stdout).toContain('"a:generate" -> "b:generate" [style=dashed];');
    await qlf(ws.root, ['run']).done;
    const stats = JSON.parse((await qlf(ws.root, ['cache', 'stats', '--json']).done).stdout);
    expect(stats.entries).toBe(6);
    const pruned = JSON.parse((await qlf(ws.root, ['cache', 'prune', '--max-size', '1KB', '--json']).done).stdout);
    expect(pruned.keptBytes).toBeLessThanOrEqual(1024);
    expect((await qlf(ws.root, ['cache', 'clean']).done).code).toBe(0);
    expect(JSON.parse((await qlf(ws.root, ['cache', 'stats', '--json']).done).stdout).entries).toBe(0);
    expect((await qlf(ws.root, ['cache', 'prune']).done).code).toBe(2);
  });
});
