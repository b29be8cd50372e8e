// The benchmark's output: every measurement in one table, then the targets of issue #15 with qlf's figure, Nx's on
// the same workspace from the same run, and whether each target is met.
import { EXAMPLES } from './examples.js';
import { formatWall, type Row } from './tasks.js';

/** Warm no-op over 500 briefs at most this long, and at most this share of Nx's on the same workspace. */
const WARM_500_MS = 450;
const WARM_NX_SHARE = 1 / 10;
/** The examples' warm no-op through every stage. */
const WARM_EXAMPLES_MS = 300;
/** Cold compile + generate throughput. */
const COLD_BRIEFS_PER_S = 20;

export function table(rows: Row[], header: string): string {
  const lines = [header, '', '| briefs | scenario | wall | peak RSS | check |', '|---:|---|---:|---:|---|'];
  for (const row of rows) {
    const rss = row.measured.peakRssMiB === undefined ? 'n/a' : `${row.measured.peakRssMiB.toFixed(0)} MiB`;
    lines.push(`| ${row.size} | ${row.scenario} | ${formatWall(row.measured.wallMs)} | ${rss} | ${row.check} |`);
  }
  return lines.join('\n');
}

const find = (rows: Row[], size: number | string, test: (scenario: string) => boolean) =>
  rows.find((r) => r.size === size && test(r.scenario));

const nxWarm = (rows: Row[], size: number | string) =>
  find(rows, size, (s) => s.startsWith('nx') && s.endsWith('(warm no-op)'));

function nxCell(qlf: Row, nx: Row | undefined): string {
  if (!nx) return 'not measured';
  return `${formatWall(nx.measured.wallMs)} (qlf ${((qlf.measured.wallMs / nx.measured.wallMs) * 100).toFixed(1)}% of it)`;
}

/** The four figures of issue #15's speed table, largest synthetic size first measured. */
export function targets(rows: Row[]): string {
  const sizes = [...new Set(rows.map((r) => r.size).filter((s): s is number => typeof s === 'number'))];
  const largest = Math.max(...sizes);
  const lines = ['| figure | qlf | Nx, same workspace and run | target | verdict |', '|---|---:|---:|---|---|'];
  for (const size of sizes) {
    const warm = find(rows, size, (s) => s === 'warm no-op');
    if (!warm) continue;
    const nx = nxWarm(rows, size);
    const limit = size >= 500 ? WARM_500_MS : undefined;
    const checks = [
      ...(limit === undefined ? [] : [warm.measured.wallMs <= limit]),
      ...(nx ? [warm.measured.wallMs <= nx.measured.wallMs * WARM_NX_SHARE] : []),
    ];
    const verdict = checks.length === 0 ? 'not checked (no Nx run)' : checks.every(Boolean) ? 'met' : 'MISSED';
    const target = `${limit === undefined ? '' : `≤ ${formatWall(limit)}, `}≤ 1/10 of Nx`;
    lines.push(
      `| warm no-op, ${size} briefs (compile..generate) | ${formatWall(warm.measured.wallMs)} | ${nxCell(warm, nx)} | ${target} | ${verdict} |`,
    );
  }
  const examples = find(rows, EXAMPLES, (s) => s === 'warm no-op, all stages');
  if (examples) {
    const met = examples.measured.wallMs <= WARM_EXAMPLES_MS && examples.ran === 0;
    lines.push(
      `| warm no-op, the examples, all stages | ${formatWall(examples.measured.wallMs)} | ${nxCell(examples, nxWarm(rows, EXAMPLES))} | ≤ ${formatWall(WARM_EXAMPLES_MS)}, nothing runs | ${met ? 'met' : `MISSED${examples.ran ? ` (${examples.ran} tasks ran)` : ''}`} |`,
    );
  }
  const overlay = find(rows, largest, (s) => s.startsWith('overlay edited'));
  if (overlay) {
    const met = !overlay.check.includes('UNEXPECTED');
    lines.push(
      `| overlay edited, used by ${/\((\d+) users\)/.exec(overlay.scenario)?.[1]} of ${largest} briefs | ${formatWall(overlay.measured.wallMs)}, ${overlay.ran} tasks ran | | only its users' tasks re-run | ${met ? 'met' : 'MISSED'}: ${overlay.check} |`,
    );
  }
  const cold = find(rows, largest, (s) => s === 'cold full run');
  if (cold) {
    const rate = largest / (cold.measured.wallMs / 1000);
    lines.push(
      `| cold, ${largest} briefs, compile+generate | ${formatWall(cold.measured.wallMs)} (${rate.toFixed(1)} briefs/s) | ${nxCell(
        cold,
        find(rows, largest, (s) => s.startsWith('nx') && s.endsWith('(cold)')),
      )} | ≥ ${COLD_BRIEFS_PER_S} briefs/s | ${rate >= COLD_BRIEFS_PER_S ? 'met' : 'MISSED'} |`,
    );
  }
  return lines.join('\n');
}
