// The qlf benchmark (a script, not a test): `node dist/bench/run.js [--sizes 10,100,500] [--stage generate] [--nx-max N] [--repeat N]`.
// For each size it builds a synthetic workspace and measures, in one go: a cold run, a warm no-op, one brief edited,
// one workspace overlay edited, a whitespace-only edit (early cutoff), a published output deleted by hand, and the same
// warm no-op through Nx.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packagePath } from '../core/package-info.js';
import { isStageName, STAGES, type StageName } from '../graph/stages.js';
import { type Measured, measure } from './measure.js';
import { createWorkspace, syntheticBriefs, TEAM_OVERLAY, type Workspace } from './workspace.js';

interface JsonTask {
  id: string;
  brief: string;
  stage: StageName;
  status: 'success' | 'cached' | 'failed' | 'skipped';
}

interface Row {
  size: number;
  scenario: string;
  measured: Measured;
  /** What ran (not cached), and whether that is what should have run. */
  check: string;
}

const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' };

function tasksOf(measured: Measured): JsonTask[] {
  try {
    return (JSON.parse(measured.stdout) as { tasks: JsonTask[] }).tasks;
  } catch {
    return [];
  }
}

/** "ran: 2 (compile 1, generate 1), failed 0": what the run did, by stage. */
function summary(tasks: JsonTask[]): string {
  const ran = tasks.filter((t) => t.status === 'success' || t.status === 'failed');
  const byStage = STAGES.map((stage) => [stage, ran.filter((t) => t.stage === stage).length] as const)
    .filter(([, n]) => n > 0)
    .map(([stage, n]) => `${stage} ${n}`);
  const failed = tasks.filter((t) => t.status === 'failed').length;
  return `ran ${ran.length}${byStage.length > 0 ? ` (${byStage.join(', ')})` : ''}${failed > 0 ? `, FAILED ${failed}` : ''}`;
}

/** Checks that exactly `expected` task ids ran (were not cache hits); returns a verdict for the table. */
function expectRan(tasks: JsonTask[], expected: string[]): string {
  const ran = tasks
    .filter((t) => t.status !== 'cached')
    .map((t) => t.id)
    .sort();
  const want = [...expected].sort();
  const ok = ran.length === want.length && ran.every((id, i) => id === want[i]);
  return `${summary(tasks)}; ${ok ? 'as expected' : `EXPECTED ${want.length}: ${want.slice(0, 4).join(' ')}...`}`;
}

/** Runs `measure` `times` times; the run with the median wall time, and the spread for the table. */
async function median(times: number, measure: () => Promise<Measured>): Promise<{ median: Measured; spread: string }> {
  const runs: Measured[] = [];
  for (let i = 0; i < times; i++) runs.push(await measure());
  runs.sort((a, b) => a.wallMs - b.wallMs);
  const ms = (m: Measured | undefined) => formatWall(m?.wallMs ?? 0);
  return {
    median: runs[Math.floor((runs.length - 1) / 2)] as Measured,
    spread: times > 1 ? `median of ${times}, ${ms(runs[0])}–${ms(runs[runs.length - 1])}` : 'one run',
  };
}

function formatWall(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Targets the qlf plugin never lets Nx serve from its cache (see plugin.ts). */
const NX_UNCACHED: readonly StageName[] = ['generate', 'build', 'deploy'];

async function benchSize(size: number, stage: StageName, withNx: boolean, repeats: number): Promise<Row[]> {
  const briefs = syntheticBriefs(size);
  const ws: Workspace = await createWorkspace({ briefs });
  const rows: Row[] = [];
  const stages = STAGES.slice(0, STAGES.indexOf(stage) + 1);
  const ids = (names: string[], only?: StageName[]) => names.flatMap((n) => (only ?? stages).map((s) => `${n}:${s}`));
  const qlf = () =>
    measure(process.execPath, [packagePath('bin', 'qlf.js'), 'run', '--stage', stage, '--json', '--continue'], {
      cwd: ws.root,
      env: { NO_COLOR: '1' },
    });
  try {
    const cold = await qlf();
    rows.push({ size, scenario: 'cold full run', measured: cold, check: summary(tasksOf(cold)) });

    // No-ops repeat the same work, so they are measured several times and the median is reported.
    const warm = await median(repeats, qlf);
    rows.push({
      size,
      scenario: 'warm no-op',
      measured: warm.median,
      check: `${expectRan(tasksOf(warm.median), [])}; ${warm.spread}`,
    });

    // An edited description: that brief's stages re-run (no synthetic brief uses #0).
    const edited = briefs[0];
    if (edited) {
      await ws.write(`briefs/${edited.name}/brief.qlf.yaml`, edited.text.replace('page by page', 'ten at a time'));
      const one = await qlf();
      rows.push({
        size,
        scenario: 'one brief edited',
        measured: one,
        check: expectRan(tasksOf(one), ids([edited.name])),
      });
    }

    // The workspace overlay: its users' downstream stages re-run; other briefs' IR is unchanged (early cutoff).
    const users = briefs.filter((b) => /overlays: \[.*team-audit/.test(b.text)).map((b) => b.name);
    const dependents = briefs.filter((b) => users.some((u) => b.text.includes(`uses: [${u}]`))).map((b) => b.name);
    await ws.write('overlays/team-audit.yaml', TEAM_OVERLAY.replace('auditLog: true', 'auditLog: true\n  tls: true'));
    const overlay = await qlf();
    const downstream = tasksOf(overlay).filter((t) => t.stage !== 'compile' && t.status !== 'cached');
    const downstreamBriefs = [...new Set(downstream.map((t) => t.brief))].sort();
    const wantBriefs = [...new Set([...users, ...dependents])].sort();
    const overlayOk =
      downstreamBriefs.every((b) => wantBriefs.includes(b)) && users.every((u) => downstreamBriefs.includes(u));
    rows.push({
      size,
      scenario: `overlay edited (${users.length} users)`,
      measured: overlay,
      check: `${summary(tasksOf(overlay))}; downstream ${overlayOk ? 'only its users' : `UNEXPECTED: ${downstreamBriefs.length} briefs`}`,
    });

    // Whitespace only: compile re-runs, produces the same IR, and nothing downstream runs.
    const spaced = briefs[1];
    if (spaced) {
      await ws.write(`briefs/${spaced.name}/brief.qlf.yaml`, `${spaced.text}\n\n# a comment\n`);
      const ws1 = await qlf();
      rows.push({
        size,
        scenario: 'whitespace-only edit',
        measured: ws1,
        check: expectRan(tasksOf(ws1), ids([spaced.name], ['compile'])),
      });
    }

    // A published output deleted by hand: the warm path notices and restores it from the cache; nothing runs.
    const restored = briefs[2];
    if (restored) {
      const ir = `dist/qlf/${restored.name}/ir.json`;
      await ws.remove(ir);
      const again = await qlf();
      const back = existsSync(join(ws.root, ir));
      rows.push({
        size,
        scenario: 'published ir.json deleted',
        measured: again,
        check: `${expectRan(tasksOf(again), [])}; ir.json ${back ? 'restored' : 'MISSING'}`,
      });
    }

    // A hand edit in a working copy: that brief's generate merges (nothing to write) and the stages after it re-run.
    const handEdited = briefs[3];
    if (handEdited) {
      const file = `briefs/${handEdited.name}/service/app/mine.py`;
      await ws.write(file, 'ANSWER = 42\n');
      const edit = await qlf();
      const after = stages.slice(stages.indexOf('generate') + 1);
      rows.push({
        size,
        scenario: 'working-copy file added',
        measured: edit,
        check: expectRan(tasksOf(edit), ids([handEdited.name], after)),
      });
    }

    if (withNx) {
      const nx = (...args: string[]) =>
        measure(`${ws.root}/node_modules/.bin/nx`, args, { cwd: ws.root, env: NX_ENV, timeoutMs: 60 * 60_000 });
      const nxCold = await nx('run-many', '-t', stage, '--parallel=2');
      rows.push({
        size,
        scenario: `nx run-many -t ${stage} (cold)`,
        measured: nxCold,
        check: nxCold.exitCode === 0 ? 'ok' : `exit ${nxCold.exitCode}`,
      });
      const nxRepeated = await median(Math.min(repeats, 3), () => nx('run-many', '-t', stage, '--parallel=2'));
      const nxWarm = nxRepeated.median;
      const text = `${nxWarm.stdout}\n${nxWarm.stderr}`;
      // Nx's own count when it prints one, else the cached-task markers.
      const counted = /from the cache instead of running the command for (\d+) out of/.exec(text)?.[1];
      const hits =
        counted ?? (text.match(/\[(local cache|existing outputs match the cache, left as is)\]/g) ?? []).length;
      // generate writes the user's working copy and build talks to an engine: the plugin never lets Nx replay them,
      // so a warm Nx run executes those targets (fast for an unchanged brief) and replays the others.
      const replayed = stages.filter((s) => !NX_UNCACHED.includes(s)).length;
      rows.push({
        size,
        scenario: `nx run-many -t ${stage} (warm no-op)`,
        measured: nxWarm,
        check: `cache hits ${hits}/${size * replayed}${Number(hits) === size * replayed ? '' : ' (NOT a warm no-op)'}, ${size * (stages.length - replayed)} uncached targets ran${nxWarm.exitCode === 0 ? '' : `, exit ${nxWarm.exitCode}`}; ${nxRepeated.spread}`,
      });
    }
  } finally {
    await ws.dispose();
  }
  return rows;
}

function table(rows: Row[], stage: StageName): string {
  const header = `qlf benchmark: stages compile..${stage} (\`--stage ${stage}\`), node ${process.version}`;
  const lines = [header, '', '| briefs | scenario | wall | peak RSS | check |', '|---:|---|---:|---:|---|'];
  for (const row of rows) {
    const wall = formatWall(row.measured.wallMs);
    const rss = row.measured.peakRssMiB === undefined ? 'n/a' : `${row.measured.peakRssMiB.toFixed(0)} MiB`;
    lines.push(`| ${row.size} | ${row.scenario} | ${wall} | ${rss} | ${row.check} |`);
  }
  return lines.join('\n');
}

/** Targets: warm no-op over 500 briefs under 1 s, and at most a third of Nx's warm no-op. */
function verdicts(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const size of [...new Set(rows.map((r) => r.size))]) {
    const warm = rows.find((r) => r.size === size && r.scenario === 'warm no-op');
    const nx = rows.find((r) => r.size === size && r.scenario.includes('warm no-op') && r.scenario.startsWith('nx'));
    if (!warm) continue;
    const parts = [`${size} briefs: warm no-op ${warm.measured.wallMs.toFixed(0)} ms`];
    if (size >= 500) parts.push(warm.measured.wallMs < 1000 ? '< 1 s: met' : '>= 1 s: MISSED');
    if (nx) {
      const ratio = warm.measured.wallMs / nx.measured.wallMs;
      parts.push(`${(ratio * 100).toFixed(0)}% of Nx (${ratio <= 1 / 3 ? 'met' : 'MISSED'} the 1/3 target)`);
    }
    lines.push(parts.join('; '));
  }
  return lines;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10,100,500' },
      stage: { type: 'string', default: 'generate' },
      // Nx's cold run forks a process per task (about a second each here): compare with Nx up to this many briefs.
      'nx-max': { type: 'string', default: '500' },
      // Warm no-ops are measured this many times (Nx's up to 3) and the median reported.
      repeat: { type: 'string', default: '5' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const nxMax = Number(values['nx-max']);
  const repeats = Number(values.repeat);
  if (
    sizes.some((n) => !Number.isInteger(n) || n < 2) ||
    !isStageName(values.stage) ||
    !Number.isInteger(nxMax) ||
    !Number.isInteger(repeats) ||
    repeats < 1
  ) {
    process.stderr.write(
      'usage: node dist/bench/run.js [--sizes 10,100,500] [--stage generate] [--nx-max 500] [--repeat 5]\n',
    );
    return 2;
  }
  const rows: Row[] = [];
  for (const size of sizes) {
    process.stderr.write(`bench: ${size} briefs...\n`);
    rows.push(...(await benchSize(size, values.stage, size <= nxMax, repeats)));
  }
  process.stdout.write(`${table(rows, values.stage)}\n\n${verdicts(rows).join('\n')}\n`);
  return 0;
}

process.exitCode = await main();
