// The warm path: a cache hit whose outputs are already published, unchanged, is neither restored nor published again,
// and everything a user or another process changed since is noticed and handled as before.
import { rmSync, statSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCache } from '../cache/local-cache.js';
import { runGraph } from './run-graph.js';
import { compileTask } from './stage-tasks/compile.js';
import { generateTask } from './stage-tasks/generate.js';
import {
  fakeBrief as brief,
  makeWorkspace,
  removeWorkspaces,
  runFake as run,
  taskStatuses as statuses,
} from './testing/workspace.js';

/** Inode and change time: a file published again gets a new inode (atomic replace), an untouched one keeps both. */
const identity = (path: string) => {
  const stats = statSync(path);
  return `${stats.ino} ${stats.ctimeMs}`;
};

/** Old kernels advance file times once per tick: let one pass before an edit the stamps must notice. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

// Two tests change a task hash by turning on `verify.strict` in the config; QLF_STRICT=1 (CI) would turn it on
// beforehand and leave the hash unchanged. Each test file runs in its own process, so this stays here.
const strictFromEnv = process.env.QLF_STRICT;
beforeAll(() => {
  delete process.env.QLF_STRICT;
});
afterAll(() => {
  if (strictFromEnv !== undefined) process.env.QLF_STRICT = strictFromEnv;
});
afterAll(removeWorkspaces);

describe('warm path', () => {
  it('a warm no-op serves every task from what is published, writing nothing', async () => {
    const ws = await makeWorkspace({ payments: brief('payments'), orders: brief('orders', 'uses: [payments]\n') });
    const first = await run(ws);
    const out = join(ws.root, 'dist', 'qlf');
    const files = ['payments/ir.json', 'orders/service/app/main.py', 'orders/verify/report.json'];
    const before = files.map((file) => identity(join(out, file)));
    await ws.clearRuns();
    const warm = await run(ws);
    expect(warm.totals).toMatchObject({ tasks: 6, cached: 6, success: 0 });
    expect(warm.tasks.every((t) => t.cache === 'local' && t.terminalOutput.length > 0)).toBe(true);
    expect(warm.tasks.map((t) => [t.hash, t.outputHash])).toEqual(first.tasks.map((t) => [t.hash, t.outputHash]));
    expect(files.map((file) => identity(join(out, file)))).toEqual(before);
    expect(await ws.runs()).toEqual([]);
    // reported exactly as hits restored from the cache are
    await rm(join(ws.root, '.qlf', 'published'), { recursive: true });
    const restored = await run(ws);
    const report = (r: typeof warm) => r.tasks.map((t) => [t.id, t.status, t.savedMs, t.terminalOutput, t.outputHash]);
    expect(report(warm)).toEqual(report(restored));
    expect(files.map((file) => identity(join(out, file)))).not.toEqual(before);
  });

  it('restores a published file deleted or edited after a warm no-op, and only that one', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    await run(ws);
    await run(ws);
    const out = join(ws.root, 'dist', 'qlf', 'payments');
    const ir = await readFile(join(out, 'ir.json'), 'utf8');
    const service = identity(join(out, 'service', 'app', 'main.py'));
    await rm(join(out, 'ir.json'));
    const deleted = await run(ws);
    expect(statuses(deleted)).toEqual({
      'payments:compile': 'cached',
      'payments:generate': 'cached',
      'payments:verify': 'cached',
    });
    expect(await readFile(join(out, 'ir.json'), 'utf8')).toBe(ir);
    expect(identity(join(out, 'service', 'app', 'main.py'))).toBe(service);

    await tick();
    await writeFile(join(out, 'ir.json'), ir.replace('payments things', 'PAYMENTS THINGS'));
    await run(ws);
    expect(await readFile(join(out, 'ir.json'), 'utf8')).toBe(ir);
    // a file added to a published folder goes, as when the folder is published whole
    await writeFile(join(out, 'verify', 'stray.txt'), 'x');
    await run(ws);
    await expect(readFile(join(out, 'verify', 'stray.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await ws.runs()).toEqual(['payments:compile', 'payments:generate', 'payments:verify']);
  });

  it('never serves a record for another hash: changed inputs run the task, reading upstream hits from the cache', async () => {
    const ws = await makeWorkspace({ payments: brief('payments'), orders: brief('orders', 'uses: [payments]\n') });
    await run(ws);
    await run(ws);
    await ws.clearRuns();
    // verify's hash takes `verify.strict`; its upstream outputs are published, not in the run's folders
    await ws.write(
      'qlf.config.json',
      `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], verify: { strict: true } })}\n`,
    );
    const changed = await run(ws);
    // the config text is a compile input too: compile re-runs and yields the same IR (early cutoff)
    expect(statuses(changed)).toEqual({
      'orders:compile': 'success',
      'orders:generate': 'cached',
      'orders:verify': 'success',
      'payments:compile': 'success',
      'payments:generate': 'cached',
      'payments:verify': 'success',
    });
    const report = JSON.parse(await readFile(join(ws.root, 'dist', 'qlf', 'orders', 'verify', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ name: 'orders', passed: true, lines: 3 });
  });

  it('early cutoff on the warm path: a whitespace edit re-runs compile and publishes nothing downstream', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    await run(ws);
    const main = join(ws.root, 'dist', 'qlf', 'payments', 'service', 'app', 'main.py');
    const before = identity(main);
    await ws.clearRuns();
    await ws.write('briefs/payments/brief.qlf.yaml', `${brief('payments')}\n\n# reviewed\n`);
    const result = await run(ws);
    expect(statuses(result)).toEqual({
      'payments:compile': 'success',
      'payments:generate': 'cached',
      'payments:verify': 'cached',
    });
    expect(await ws.runs()).toEqual(['payments:compile']);
    expect(identity(main)).toBe(before);
  });

  it('a cache entry damaged or removed after a warm no-op is recomputed, even with its outputs still published', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    const first = await run(ws);
    await run(ws);
    const config = await ws.config();
    const cache = new LocalCache(config.cacheDir);
    const hashOf = (id: string) => first.tasks.find((t) => t.id === id)?.hash as string;
    await tick();
    const stored = join(cache.entryDir(hashOf('payments:generate')), 'files', 'service', 'app', 'main.py');
    const original = await readFile(stored, 'utf8');
    await writeFile(stored, original.replace('payments', 'PAYMENTS')); // same size
    await rm(cache.entryDir(hashOf('payments:verify')), { recursive: true });
    await ws.clearRuns();
    const second = await run(ws);
    expect(statuses(second)).toEqual({
      'payments:compile': 'cached',
      'payments:generate': 'success',
      'payments:verify': 'success',
    });
    expect(await cache.has(hashOf('payments:generate'))).toBe(true);
    expect(await readFile(stored, 'utf8')).toBe(original);
    expect((await run(ws)).totals.cached).toBe(3);
  });

  it('a cache entry gone while the run needs it fails the reading task cleanly; the next run recovers', async () => {
    const ws = await makeWorkspace({ payments: brief('payments') });
    const first = await run(ws);
    await run(ws);
    const cache = new LocalCache((await ws.config()).cacheDir);
    const generateHash = first.tasks.find((t) => t.id === 'payments:generate')?.hash as string;
    await ws.write(
      'qlf.config.json',
      `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], verify: { strict: true } })}\n`,
    );
    const racing = await run(ws, {
      onEvent: (event) => {
        // as if `qlf cache clean` ran in another terminal right after generate was served from the published files
        if (event.type === 'task:end' && event.result.id === 'payments:generate') {
          rmSync(cache.entryDir(generateHash), { recursive: true, force: true });
        }
      },
    });
    expect(racing.tasks.find((t) => t.id === 'payments:verify')).toMatchObject({
      status: 'failed',
      errorCode: 'E_CACHE_VANISHED',
    });
    const next = await run(ws);
    expect(next.totals).toMatchObject({ failed: 0 });
    expect(statuses(next)['payments:generate']).toBe('success');
  });

  it('generate: user edits and deletions in the working copy survive warm runs; a removed local base is derived again', {
    timeout: 30_000,
  }, async () => {
    const ws = await makeWorkspace({
      ledger: [
        'apiVersion: qlf.dev/v1',
        'kind: Brief',
        'name: ledger',
        'description: Core banking ledger. Accounts have many transactions.',
        '',
      ].join('\n'),
    });
    const run = async () =>
      runGraph({ config: await ws.config(), runner: 'inline', stageTasks: [compileTask, generateTask] });
    expect((await run()).totals).toMatchObject({ success: 2 });
    const service = join(ws.root, 'briefs', 'ledger', 'service');
    const base = join(ws.root, '.qlf', 'base', 'ledger');
    const readme = join(service, 'README.md');
    const before = identity(readme);
    expect((await run()).totals).toMatchObject({ cached: 2 });
    expect(identity(readme)).toBe(before); // not published again

    await tick();
    const main = join(service, 'app', 'main.py');
    const edited = `${await readFile(main, 'utf8')}\n# my own note\n`;
    await writeFile(main, edited);
    await rm(join(service, 'app', 'db.py'));
    expect((await run()).totals).toMatchObject({ cached: 2 });
    expect(await readFile(main, 'utf8')).toBe(edited);
    await expect(readFile(join(service, 'app', 'db.py'))).rejects.toMatchObject({ code: 'ENOENT' });
    // the merge ran and kept both edits without rewriting a file; the next warm run does not even merge
    expect(identity(readme)).toBe(before);
    expect((await run()).totals).toMatchObject({ cached: 2 });
    expect(identity(readme)).toBe(before);

    // the local copy of the base is only a cache: deleted, warm runs go on, and a brief change merges from the lock
    await rm(base, { recursive: true });
    expect((await run()).totals).toMatchObject({ cached: 2 });
    await ws.write(
      'briefs/ledger/brief.qlf.yaml',
      [
        'apiVersion: qlf.dev/v1',
        'kind: Brief',
        'name: ledger',
        'description: Core banking ledger. Accounts have many transactions and statements.',
        '',
      ].join('\n'),
    );
    expect((await run()).totals).toMatchObject({ success: 2 });
    expect(await readFile(join(base, 'app', 'main.py'), 'utf8')).not.toContain('# my own note');
    expect(await readFile(main, 'utf8')).toContain('# my own note');
  });

  it('records of a brief that is renamed or deleted are removed; a narrowed run keeps the others', async () => {
    const ws = await makeWorkspace({ payments: brief('payments'), users: brief('users') });
    const records = join(ws.root, '.qlf', 'published');
    await run(ws);
    expect((await readdir(records)).sort()).toEqual(['payments.json', 'users.json']);
    await run(ws, { only: ['payments'] });
    expect((await readdir(records)).sort()).toEqual(['payments.json', 'users.json']);
    await rm(join(ws.root, 'briefs', 'users'), { recursive: true });
    await ws.write('briefs/accounts/brief.qlf.yaml', brief('accounts'));
    await run(ws);
    expect((await readdir(records)).sort()).toEqual(['accounts.json', 'payments.json']);
  });
});
