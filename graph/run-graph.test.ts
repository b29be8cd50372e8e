import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCache } from '../cache/local-cache.js';
import {
  fakeBrief as brief,
  makeWorkspace,
  removeWorkspaces,
  runFake as run,
  taskStatuses as statuses,
} from './testing/workspace.js';

afterAll(removeWorkspaces);

describe('runGraph', () => {
  it('runs every task once, then serves all from the cache and publishes outputs', async () => {
    const ws = await makeWorkspace({ payments: brief('payments'), orders: brief('orders', 'uses: [payments]\n') });
    const first = await run(ws);
    expect(first.totals).toMatchObject({ tasks: 6, success: 6, cached: 0, failed: 0 });
    expect((await ws.runs()).sort()).toHaveLength(6);
    const out = join(ws.root, 'dist', 'qlf');
    expect(await readFile(join(out, 'orders', 'service', 'app', 'main.py'), 'utf8')).toContain('["payments"]');
    expect(JSON.parse(await readFile(join(out, 'payments', 'verify', 'report.json'), 'utf8')).passed).toBe(true);
    // uses edge: orders:generate starts only after payments:generate ended
    const runs = await ws.runs();
    expect(runs.indexOf('orders:generate')).toBeGreaterThan(runs.indexOf('payments:generate'));

    await ws.clearRuns();
    await rm(out, { recursive: true });
    const second = await run(ws);
    expect(second.totals).toMatchObject({ tasks: 6, cached: 6, success: 0 });
    expect(second.tasks.every((t) => t.cache === 'local' && t.terminalOutput.length > 0)).toBe(true);
    expect(second.totals.savedMs).toBeGreaterThanOrEqual(0);
    expect(await ws.runs()).toEqual([]);
    expect(await readFile(join(out, 'orders', 'ir.json'), 'utf8')).toContain('"name": "orders"');
    expect(second.tasks.map((t) => t.hash)).toEqual(first.tasks.map((t) => t.hash));
  });

  it('early cutoff: a comment or whitespace edit re-runs compile only', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    await run(ws);
    await ws.clearRuns();
    await ws.write('briefs/payments/brief.qlf.yaml', `# edited comment\n\n${brief('payments')}\n\n`);
    const result = await run(ws);
    expect(statuses(result)).toEqual({
      'payments:compile': 'success',
      'payments:generate': 'cached',
      'payments:verify': 'cached',
    });
    expect(await ws.runs()).toEqual(['payments:compile']);
  });

  it('one brief edited: only its tasks (and its dependents) re-run', async () => {
    const ws = await makeWorkspace({
      payments: brief('payments'),
      orders: brief('orders', 'uses: [payments]\n'),
      users: brief('users'),
    });
    await run(ws);
    await ws.clearRuns();
    await ws.write('briefs/users/brief.qlf.yaml', brief('users').replace('users things', 'people'));
    const result = await run(ws);
    expect((await ws.runs()).sort()).toEqual(['users:compile', 'users:generate', 'users:verify']);
    expect(result.totals).toMatchObject({ success: 3, cached: 6 });

    await ws.clearRuns();
    await ws.write('briefs/payments/brief.qlf.yaml', brief('payments').replace('payments things', 'money'));
    await run(ws);
    // orders' compile and generate hash payments' compile and generate outputs, which changed; their own outputs did
    // not, so orders:verify is an early-cutoff hit
    expect((await ws.runs()).sort()).toEqual([
      'orders:compile',
      'orders:generate',
      'payments:compile',
      'payments:generate',
      'payments:verify',
    ]);
  });

  it('a failed task skips its dependents while the other branch succeeds', async () => {
    const ws = await makeWorkspace({
      payments: brief('payments', 'failAt: generate\n'),
      orders: brief('orders', 'uses: [payments]\n'),
      users: brief('users'),
    });
    const result = await run(ws);
    const byId = Object.fromEntries(result.tasks.map((t) => [t.id, t]));
    expect(byId['payments:generate']).toMatchObject({ status: 'failed', errorCode: 'E_FAKE_FAIL' });
    expect(byId['payments:generate']?.error).toContain('generate failed on purpose');
    expect(byId['payments:verify']).toMatchObject({
      status: 'skipped',
      error: 'skipped because payments:generate failed',
    });
    expect(byId['orders:generate']?.error).toBe('skipped because payments:generate failed');
    expect(byId['orders:verify']?.error).toBe('skipped because payments:generate failed');
    expect(byId['orders:compile']?.status).toBe('success');
    expect(['users:compile', 'users:generate', 'users:verify'].map((id) => byId[id]?.status)).toEqual([
      'success',
      'success',
      'success',
    ]);
    expect(result.totals).toMatchObject({ failed: 1, skipped: 3, success: 5 });
  });

  it('with continue: false, stops starting tasks after the first failure', async () => {
    const ws = await makeWorkspace(
      { a: brief('a', 'failAt: compile\n'), b: brief('b') },
      `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], run: { concurrency: 1 } })}\n`,
    );
    const result = await run(ws, { continue: false });
    expect(result.tasks[0]).toMatchObject({ id: 'a:compile', status: 'failed' });
    expect(result.tasks.filter((t) => t.status === 'skipped').map((t) => t.error)).toContain(
      'skipped: the run stopped after a:compile failed',
    );
  });

  it('retries a retryable stage with exponential backoff', async () => {
    const ws = await makeWorkspace({ payments: brief('payments', 'flaky: 2\n') });
    const retries: { attempt: number; delayMs: number }[] = [];
    const result = await run(ws, {
      retryBaseMs: 20,
      onEvent: (event) => {
        if (event.type === 'task:retry') retries.push({ attempt: event.attempt, delayMs: event.delayMs });
      },
    });
    expect(retries).toEqual([
      { attempt: 1, delayMs: 20 },
      { attempt: 2, delayMs: 40 },
    ]);
    expect(result.tasks.find((t) => t.id === 'payments:verify')).toMatchObject({ status: 'success', attempts: 3 });
  });

  it('gives up after the last retry and fails the task', async () => {
    const ws = await makeWorkspace({ payments: brief('payments', 'flaky: 5\n') });
    const result = await run(ws, { retries: 1 });
    expect(result.tasks.find((t) => t.id === 'payments:verify')).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: 'flaky failure 2',
    });
  });

  it('discards a corrupt or truncated cache entry and recomputes it', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    const first = await run(ws);
    const config = await ws.config();
    const cache = new LocalCache(config.cacheDir);
    const generateHash = first.tasks.find((t) => t.id === 'payments:generate')?.hash as string;
    const verifyHash = first.tasks.find((t) => t.id === 'payments:verify')?.hash as string;
    await writeFile(join(cache.entryDir(generateHash), 'files', 'service', 'app', 'main.py'), 'tampered\n');
    await writeFile(join(cache.entryDir(verifyHash), 'manifest.json'), '{"taskId": "payments:ver');
    await ws.clearRuns();
    const second = await run(ws);
    expect(statuses(second)).toEqual({
      'payments:compile': 'cached',
      'payments:generate': 'success',
      'payments:verify': 'success',
    });
    const main = await readFile(join(config.outDir, 'payments', 'service', 'app', 'main.py'), 'utf8');
    expect(main).not.toContain('tampered');
    expect(await cache.has(generateHash)).toBe(true);
    const third = await run(ws);
    expect(third.totals.cached).toBe(3);
  });

  it('a full disk (injected ENOSPC writer) fails the task and leaves no cache entry behind', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    const enospc = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const result = await run(ws, { cacheWriteFile: enospc });
    expect(result.tasks[0]).toMatchObject({ id: 'payments:compile', status: 'failed', errorCode: 'E_CACHE_WRITE' });
    const config = await ws.config();
    const entries = await readdir(join(config.cacheDir, 'entries')).catch(() => []);
    expect(entries).toEqual([]);
    expect(await readdir(join(config.cacheDir, 'tmp')).catch(() => [])).toEqual([]);
    const retry = await run(ws);
    expect(retry.totals).toMatchObject({ success: 3, failed: 0 });
    expect((await run(ws)).totals.cached).toBe(3);
  });

  it('a real full disk (256 KiB tmpfs as the cache folder, when root may mount) fails the task, not the cache', async () => {
    const mountPoint = await mkdtemp(join(tmpdir(), 'qlf-tmpfs-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]).status === 0;
    if (!mounted) {
      console.warn('skipped: cannot mount a tmpfs here (needs root); the injected ENOSPC writer test covers the logic');
      return;
    }
    try {
      const cacheDir = join(mountPoint, 'cache');
      const ws = await makeWorkspace(
        { payments: brief('payments') },
        `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], cacheDir })}\n`,
      );
      // fill the disk: the write stops at ENOSPC with whatever fitted
      const filler = join(mountPoint, 'filler');
      await writeFile(filler, Buffer.alloc(512 * 1024)).catch(() => undefined);
      const full = await run(ws);
      expect(full.tasks[0]).toMatchObject({ id: 'payments:compile', status: 'failed', errorCode: 'E_CACHE_WRITE' });
      expect(full.tasks[0]?.error).toContain('ENOSPC');
      expect(await readdir(join(cacheDir, 'entries')).catch(() => [])).toEqual([]);
      expect(await readdir(join(cacheDir, 'tmp')).catch(() => [])).toEqual([]);
      await rm(filler);
      expect((await run(ws)).totals).toMatchObject({ success: 3, failed: 0 });
      expect((await run(ws)).totals.cached).toBe(3);
    } finally {
      spawnSync('umount', [mountPoint]);
      await rm(mountPoint, { recursive: true, force: true });
    }
  });

  it('a task that throws fails, and the next run succeeds once it is fixed', async () => {
    const ws = await makeWorkspace({ payments: brief('payments', 'failAt: verify\n') });
    const failed = await run(ws);
    expect(failed.tasks.find((t) => t.id === 'payments:verify')?.status).toBe('failed');
    await ws.write('briefs/payments/brief.qlf.yaml', brief('payments'));
    const fixed = await run(ws);
    expect(fixed.totals).toMatchObject({ failed: 0 });
  });

  it('--no-cache runs everything and writes no cache', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    await run(ws, { cache: false });
    await run(ws, { cache: false });
    expect(await ws.runs()).toHaveLength(6);
    expect(await readdir(join((await ws.config()).cacheDir, 'entries')).catch(() => [])).toEqual([]);
  });

  it('narrows by path (with dependencies) and by stage', async () => {
    const ws = await makeWorkspace({ payments: brief('payments'), orders: brief('orders', 'uses: [payments]\n') });
    const result = await run(ws, { paths: [join(ws.root, 'briefs', 'orders')], stage: 'generate' });
    expect(result.tasks.map((t) => t.id).sort()).toEqual([
      'orders:compile',
      'orders:generate',
      'payments:compile',
      'payments:generate',
    ]);
  });

  it('never runs more heavy tasks at once than heavyConcurrency', async () => {
    const ws = await makeWorkspace(
      { a: brief('a'), b: brief('b'), c: brief('c') },
      `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], run: { concurrency: 3, heavyConcurrency: 1 } })}\n`,
    );
    let heavy = 0;
    let peak = 0;
    await run(ws, {
      onEvent: (event) => {
        if (event.type === 'task:start' && event.stage === 'verify') peak = Math.max(peak, ++heavy);
        if (event.type === 'task:end' && event.result.stage === 'verify') heavy--;
      },
    });
    expect(peak).toBe(1);
  });
});
