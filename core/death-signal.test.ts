// Children die with us (core/death-signal.ts, core/group-reaper.ts), through the built dist/ (`npm run build` first):
// a child and its own child, spawned from a worker thread as a stage task does, live as long as that thread runs and
// die when the process is killed with SIGKILL, or when the thread ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packagePath } from './package-info.js';

const modules = ['death-signal.js', 'group-reaper.js'].map((name) => packagePath('dist', 'core', name));
const built = modules.every((file) => existsSync(file));
if (!built) console.warn('skipped: dist/core is missing; run `npm run build`');
const linux = process.platform === 'linux';

// In a worker thread: `sh` (the child) starts `sleep` (the grandchild) in the same process group, then waits.
const WORKER = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { spawn } = await import('node:child_process');
  const { tiedCommand } = await import(workerData.death);
  const { reapGroupWithChild } = await import(workerData.reaper);
  const command = tiedCommand('sh', ['-c', 'sleep 300 & echo $!; wait'], { cwd: process.cwd(), env: process.env });
  const child = spawn(command.file, command.args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  reapGroupWithChild(child);
  child.stdout.once('data', (data) => parentPort.postMessage({ child: child.pid, grandchild: Number(String(data)) }));
  setInterval(() => {}, 1000);
})();
`;

const HOST = `
import { Worker } from 'node:worker_threads';
const [death, reaper] = process.argv.slice(1);
const worker = new Worker(process.env.QLF_TEST_WORKER, { eval: true, workerData: { death, reaper } });
worker.on('message', (pids) => console.log(JSON.stringify(pids)));
process.stdin.on('data', () => worker.terminate());
setInterval(() => {}, 1000);
`;

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  return check();
}

async function startHost(): Promise<{ host: ChildProcess; child: number; grandchild: number }> {
  const urls = modules.map((file) => pathToFileURL(file).href);
  const host = spawn(process.execPath, ['--input-type=module', '-e', HOST, ...urls], {
    env: { ...process.env, QLF_TEST_WORKER: WORKER },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => host.stdout?.once('data', (data) => resolve(String(data))));
  return { host, ...(JSON.parse(line) as { child: number; grandchild: number }) };
}

describe.skipIf(!built || !linux)('children die with us', () => {
  it('live while the worker thread runs; gone, grandchild too, once the process is killed', async () => {
    const { host, child, grandchild } = await startHost();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect([running(child), running(grandchild)]).toEqual([true, true]);
      host.kill('SIGKILL');
      expect(await until(() => !running(child) && !running(grandchild), 5_000)).toBe(true);
    } finally {
      host.kill('SIGKILL');
      for (const pid of [child, grandchild]) if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('gone once the worker thread that started them ends', async () => {
    const { host, child, grandchild } = await startHost();
    try {
      host.stdin?.write('end\n');
      expect(await until(() => !running(child) && !running(grandchild), 5_000)).toBe(true);
      expect(running(host.pid as number)).toBe(true);
    } finally {
      host.kill('SIGKILL');
      for (const pid of [child, grandchild]) if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
