// Checking published records in a worker thread, through the built dist/ (worker threads cannot load the TypeScript
// sources): `npm run build` first.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import { builtModule } from './built-module.js';
import { briefOutDir, publishedPaths } from './publish.js';
import { PublishedState } from './published-state.js';
import { runGraph } from './run-graph.js';
import { fakeTaskModule, makeWorkspace, removeWorkspaces, type TestWorkspace } from './testing/workspace.js';

const built = existsSync(packagePath('dist', 'graph', 'published-check-worker.js'));
if (!built) console.warn('skipped: dist/graph/published-check-worker.js is missing; run `npm run build` first');

afterAll(removeWorkspaces);

/** 70 briefs, 210 tasks: enough for a run to start the worker. */
const names = Array.from({ length: 70 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

async function workspace(): Promise<TestWorkspace> {
  return makeWorkspace(Object.fromEntries(names.map((name) => [name, `name: ${name}\ndescription: ${name} things\n`])));
}

const run = async (ws: TestWorkspace) => runGraph({ config: await ws.config(), taskModule: fakeTaskModule });

describe.skipIf(!built)('checking published records in a worker thread', () => {
  it('reaches the verdicts this thread reaches, changed records included', async () => {
    const ws = await workspace();
    const first = await run(ws);
    const config = await ws.config();
    const out = (name: string) => briefOutDir(config, name);
    await rm(join(out('svc-69'), 'ir.json'));
    await writeFile(join(out('svc-68'), 'service', 'app', 'main.py'), '# mine\n');
    await writeFile(join(out('svc-00'), 'verify', 'extra.txt'), 'x');

    const tasks = first.tasks.map((t) => ({ brief: t.brief, stage: t.stage }));
    const { stageTasks } = await import(fakeTaskModule);
    const verdicts = (state: PublishedState) =>
      first.tasks.map((t) => {
        const task = stageTasks.find((s: { stage: string }) => s.stage === t.stage);
        const brief = { name: t.brief, file: '', uses: [] };
        const paths = publishedPaths(task, { config, brief, targetDir: out(t.brief) }) as string[];
        return [t.id, state.match(t.brief, t.stage, t.hash as string, paths) !== undefined];
      });

    const ahead = new PublishedState(config.root, config.cacheDir);
    ahead.checkAhead(tasks, builtModule('published-check-worker.js'));
    for (let waited = 0; ahead.checkedAhead < tasks.length && waited < 10_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(ahead.checkedAhead).toBe(tasks.length);
    const alone = verdicts(new PublishedState(config.root, config.cacheDir));
    expect(verdicts(ahead)).toEqual(alone);
    await ahead.close();
    expect(
      alone
        .filter(([, unchanged]) => !unchanged)
        .map(([id]) => id)
        .sort(),
    ).toEqual(['svc-00:verify', 'svc-68:generate', 'svc-69:compile']);
  });

  it('a warm run with the worker serves unchanged outputs and restores changed ones', async () => {
    const ws = await workspace();
    await run(ws);
    const config = await ws.config();
    const ir = join(briefOutDir(config, 'svc-69'), 'ir.json');
    const text = await readFile(ir, 'utf8');
    expect((await run(ws)).totals).toMatchObject({ tasks: 210, cached: 210 });
    await rm(ir);
    await ws.clearRuns();
    expect((await run(ws)).totals).toMatchObject({ tasks: 210, cached: 210 });
    expect(await readFile(ir, 'utf8')).toBe(text);
    expect(await ws.runs()).toEqual([]);
  });
});
