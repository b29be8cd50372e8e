// The piscina path, through the built dist/ (worker threads cannot load the TypeScript sources): `npm run build` first.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import { runGraph } from './run-graph.js';
import { fakeTaskModule, makeWorkspace, removeWorkspaces } from './testing/workspace.js';

const built = existsSync(packagePath('dist', 'graph', 'worker.js'));
if (!built) console.warn('skipped: dist/graph/worker.js is missing; run `npm run build` to test the worker pool');

const brief = (name: string, extra = '') => `name: ${name}\ndescription: ${name} things\n${extra}`;

afterAll(removeWorkspaces);

describe.skipIf(!built)('runGraph with the piscina worker pool', () => {
  it('runs tasks in worker threads and hits the cache on the second run', async () => {
    const ws = await makeWorkspace({ a: brief('a'), b: brief('b', 'uses: [a]\n') });
    const first = await runGraph({ config: await ws.config(), taskModule: fakeTaskModule, concurrency: 2 });
    expect(first.totals).toMatchObject({ tasks: 6, success: 6 });
    const second = await runGraph({ config: await ws.config(), taskModule: fakeTaskModule, concurrency: 2 });
    expect(second.totals).toMatchObject({ tasks: 6, cached: 6 });
  });

  it('a task that crashes its worker fails alone; the other branch succeeds and the next run is fine', async () => {
    const ws = await makeWorkspace({ a: brief('a', 'crashAt: generate\n'), b: brief('b') });
    const result = await runGraph({ config: await ws.config(), taskModule: fakeTaskModule, concurrency: 2 });
    const byId = Object.fromEntries(result.tasks.map((t) => [t.id, t]));
    expect(byId['a:generate']).toMatchObject({ status: 'failed', errorCode: 'E_WORKER_CRASH' });
    expect(byId['a:generate']?.error).toContain('worker crashed on purpose');
    expect(byId['a:verify']?.status).toBe('skipped');
    expect(['b:compile', 'b:generate', 'b:verify'].map((id) => byId[id]?.status)).toEqual([
      'success',
      'success',
      'success',
    ]);
    await ws.write('briefs/a/brief.qlf.yaml', brief('a'));
    const next = await runGraph({ config: await ws.config(), taskModule: fakeTaskModule, concurrency: 2 });
    expect(next.totals).toMatchObject({ failed: 0, skipped: 0 });
  });
});
