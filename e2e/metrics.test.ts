// Metrics as an operator collects them: a real Prometheus scraping `qlf watch --metrics-port`, a real Pushgateway
// receiving `qlf run --pushgateway`, and promtool checking the textfile `qlf run --metrics-file` writes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../bench/workspace.js';
import { packagePath } from '../core/package-info.js';
import { runQlfAsync } from './run-qlf.js';

const built = existsSync(packagePath('dist', 'cli', 'bin.js'));
const PROMETHEUS = '/usr/bin/prometheus';
const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';
const PROMTOOL = '/usr/bin/promtool';
const WAITING = 'qlf watch: waiting for changes';

if (!built) console.warn('skipped: dist/ is missing: run `npm run build`');
if (built && !existsSync(PROMTOOL)) console.warn('skipped: promtool not installed');
if (built && !existsSync(PROMETHEUS)) console.warn('skipped: prometheus not installed');
if (built && !existsSync(PUSHGATEWAY)) console.warn('skipped: prometheus-pushgateway not installed');

const brief = (description: string) =>
  `apiVersion: qlf.dev/v1\nkind: Brief\nname: alpha\ndescription: ${description}\n`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** A child in its own process group, its output collected; `stop` ends the whole group. */
function startGroup(command: string, args: string[], cwd: string) {
  const child = spawn(command, args, {
    cwd,
    detached: true,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = { child, output: '' };
  child.stdout?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  return {
    proc,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = new Promise((done) => child.once('exit', done));
      const kill = (sig: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid as number), sig);
        } catch {
          // already gone
        }
      };
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      kill('SIGKILL'); // anything of the group left behind
    },
  };
}

type Group = ReturnType<typeof startGroup>;

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

describe.skipIf(!built)('metrics end to end', () => {
  let ws: Workspace;
  let scratch: string;
  const groups: Group[] = [];

  beforeAll(async () => {
    ws = await createWorkspace({ briefs: [{ name: 'alpha', text: brief('A library where members borrow books.') }] });
    scratch = await mkdtemp(join(tmpdir(), 'qlf-e2e-metrics-'));
  });

  afterAll(async () => {
    await Promise.all(groups.map((group) => group.stop()));
    await ws?.dispose();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it.skipIf(!existsSync(PROMETHEUS))(
    'qlf watch --metrics-port: a real Prometheus scrapes the runs of the watch',
    { timeout: 150_000 },
    async () => {
      const watch = startGroup(
        process.execPath,
        [packagePath('bin', 'qlf.js'), 'watch', '--stage', 'generate', '--metrics-port', '0'],
        ws.root,
      );
      groups.push(watch);
      const metricsUrl = await waitFor('the metrics address', 30_000, async () => {
        return /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(watch.proc.output)?.[1];
      });
      await waitFor('the initial run', 60_000, async () => (watch.proc.output.includes(WAITING) ? true : undefined));
      const health = await fetch(`${metricsUrl}/healthz`);
      expect(health.status).toBe(200);
      const ready = (await (await fetch(`${metricsUrl}/readyz`)).json()) as { status: string };
      expect(ready.status).toBe('ok');

      const promPort = await freePort();
      const target = new URL(metricsUrl).host;
      await writeFile(
        join(scratch, 'prometheus.yml'),
        [
          'global:',
          '  scrape_interval: 1s',
          '  evaluation_interval: 1s',
          'scrape_configs:',
          '  - job_name: qlf-watch',
          `    static_configs: [{ targets: ['${target}'] }]`,
          '',
        ].join('\n'),
      );
      const prometheus = startGroup(
        PROMETHEUS,
        [
          `--config.file=${join(scratch, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(scratch, 'data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        scratch,
      );
      groups.push(prometheus);
      const query = async (expr: string): Promise<number | undefined> => {
        const url = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`;
        const body = (await (await fetch(url)).json()) as { data: { result: { value: [number, string] }[] } };
        const value = body.data.result[0]?.value[1];
        return value === undefined ? undefined : Number(value);
      };
      const ranAtLeast = (count: number) => async () => {
        const value = await query('sum(qlf_tasks_total{outcome="ran"})');
        return value !== undefined && value >= count ? value : undefined;
      };
      // The initial run: compile and generate ran.
      expect(await waitFor('the initial run in Prometheus', 60_000, ranAtLeast(2))).toBe(2);

      const from = watch.proc.output.length;
      await ws.write('briefs/alpha/brief.qlf.yaml', brief('A library where members borrow and return books.'));
      await waitFor('the re-run', 60_000, async () =>
        watch.proc.output.slice(from).includes(WAITING) ? true : undefined,
      );
      expect(watch.proc.output.slice(from)).toContain('✔ alpha:generate');
      // The edit re-ran both tasks: Prometheus sees the counter reach 4.
      expect(await waitFor('the re-run in Prometheus', 60_000, ranAtLeast(4))).toBe(4);
      // A run is counted when it ends, a moment after its last task: a scrape may fall in between.
      const runs = async () => {
        const value = await query('sum(qlf_runs_total{outcome="success"})');
        return value !== undefined && value >= 2 ? value : undefined;
      };
      expect(await waitFor('both runs in Prometheus', 30_000, runs)).toBe(2);
      expect(await query('sum(qlf_generated_files_total{agent="templates"})')).toBeGreaterThan(0);

      await prometheus.stop();
      await watch.stop('SIGINT');
      expect(watch.proc.child.exitCode).toBe(0);
    },
  );

  it.skipIf(!existsSync(PUSHGATEWAY))(
    'qlf run --pushgateway: the run is pushed under job qlf; a gateway that is down is a warning',
    { timeout: 90_000 },
    async () => {
      const port = await freePort();
      const gateway = startGroup(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`], scratch);
      groups.push(gateway);
      const url = `http://127.0.0.1:${port}`;
      await waitFor('the Pushgateway', 30_000, async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));
      const run = await runQlfAsync(ws.root, ['run', '--stage', 'compile', '--pushgateway', url]);
      expect(run.code, run.stderr).toBe(0);
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toMatch(/^qlf_tasks_total\{[^}]*job="qlf"[^}]*\} 1$/m);
      expect(text).toMatch(/^qlf_runs_total\{[^}]*outcome="success"[^}]*\} 1$/m);
      await gateway.stop();

      const down = await runQlfAsync(ws.root, ['run', '--stage', 'compile', '--pushgateway', url]);
      expect(down.code).toBe(0);
      expect(down.stderr).toContain(`metrics not pushed to ${url}`);
    },
  );

  it.skipIf(!existsSync(PROMTOOL))(
    'qlf run --metrics-file writes an exposition promtool accepts',
    { timeout: 90_000 },
    async () => {
      const file = join(scratch, 'textfile', 'qlf.prom');
      const run = await runQlfAsync(ws.root, ['run', '--stage', 'generate', '--metrics-file', file]);
      expect(run.code, run.stderr).toBe(0);
      const text = await readFile(file, 'utf8');
      expect(text).toContain('# TYPE qlf_tasks_total counter');
      // promtool exits non-zero on a malformed exposition and prints lint problems (names, units, help).
      const lint = execFileSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(lint).toBe('');
    },
  );
});
