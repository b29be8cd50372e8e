// Temporary workspaces for the engine tests: a config, a few briefs, and the fake stage tasks.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../../core/package-info.js';
import { loadConfig, type ResolvedConfig } from '../../workspace/config.js';
import { loadStageTasks } from '../execute-task.js';
import { runGraph } from '../run-graph.js';
import type { RunGraphOptions } from '../run-options.js';

/** File URL of the fake stage tasks module (plain JS, so worker threads can import it). */
export const fakeTaskModule = pathToFileURL(packagePath('graph', 'fixtures', 'fake-stage-tasks.mjs')).href;

export interface TestWorkspace {
  root: string;
  config: () => Promise<ResolvedConfig>;
  write(rel: string, text: string): Promise<void>;
  /** `<brief>:<stage>` lines of the tasks that really ran, in order; cleared by `clearRuns`. */
  runs(): Promise<string[]>;
  clearRuns(): Promise<void>;
}

const made: string[] = [];

/** Removes every workspace `makeWorkspace` made in this test file (call it from `afterAll`). */
export async function removeWorkspaces(): Promise<void> {
  await Promise.all(made.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

export async function makeWorkspace(briefs: Record<string, string>, configText?: string): Promise<TestWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'qlf-graph-'));
  made.push(root);
  const write = async (rel: string, text: string) => {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  };
  await write(
    'qlf.config.json',
    configText ?? `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], run: { concurrency: 2 } })}\n`,
  );
  for (const [name, text] of Object.entries(briefs)) await write(`briefs/${name}/brief.qlf.yaml`, text);
  return {
    root,
    config: () => loadConfig(root),
    write,
    runs: async () => (await readFile(join(root, 'runs.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    clearRuns: () => writeFile(join(root, 'runs.log'), ''),
  };
}

/** A brief the fake stage tasks understand; `extra` adds steering fields (`failAt`, `sleepMs`, `uses`, ...). */
export const fakeBrief = (name: string, extra = '') =>
  `# the ${name} service\nname: ${name}\ndescription: ${name} things\n${extra}`;

/** Runs the workspace's graph inline with the fake stage tasks. */
export async function runFake(ws: TestWorkspace, options: Partial<RunGraphOptions> = {}) {
  return runGraph({
    config: await ws.config(),
    runner: 'inline',
    stageTasks: await loadStageTasks(fakeTaskModule),
    taskModule: fakeTaskModule,
    retryBaseMs: 10,
    ...options,
  });
}

/** Task id → status of a run. */
export const taskStatuses = (result: Awaited<ReturnType<typeof runFake>>) =>
  Object.fromEntries(result.tasks.map((task) => [task.id, task.status]));
