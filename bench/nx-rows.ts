// The Nx side of the benchmark: `nx run-many` cold and warm on the workspace qlf was just measured on.
import type { StageName } from '../graph/stages.js';
import { measure } from './measure.js';
import { median, type Row } from './tasks.js';

const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' };

/** Targets the qlf plugin never lets Nx serve from its cache (see nx/plugin.ts). */
const NX_UNCACHED: readonly StageName[] = ['generate', 'build', 'deploy'];

/** Cold and warm (median of up to 3) `nx run-many -t <last stage>` over `projects` projects in `root`. */
export async function nxRows(
  root: string,
  size: number | string,
  stages: readonly StageName[],
  repeats: number,
  projects = Number(size),
): Promise<Row[]> {
  const target = stages.at(-1) as StageName;
  const nx = () =>
    measure(`${root}/node_modules/.bin/nx`, ['run-many', '-t', target, '--parallel=2'], {
      cwd: root,
      env: NX_ENV,
      timeoutMs: 60 * 60_000,
    });
  const cold = await nx();
  const rows: Row[] = [
    {
      size,
      scenario: `nx run-many -t ${target} (cold)`,
      measured: cold,
      check: cold.exitCode === 0 ? 'ok' : `exit ${cold.exitCode}`,
    },
  ];
  const repeated = await median(Math.min(repeats, 3), nx);
  const warm = repeated.median;
  const text = `${warm.stdout}\n${warm.stderr}`;
  // Nx's own count when it prints one, else the cached-task markers.
  const counted = /from the cache instead of running the command for (\d+) out of/.exec(text)?.[1];
  const hits = counted ?? (text.match(/\[(local cache|existing outputs match the cache, left as is)\]/g) ?? []).length;
  // generate writes the user's working copy and build talks to an engine: the plugin never lets Nx replay them, so a
  // warm Nx run executes those targets (fast for an unchanged brief) and replays the others.
  const replayed = stages.filter((s) => !NX_UNCACHED.includes(s)).length;
  const uncached = projects * (stages.length - replayed);
  rows.push({
    size,
    scenario: `nx run-many -t ${target} (warm no-op)`,
    measured: warm,
    check: `cache hits ${hits}/${projects * replayed}${Number(hits) === projects * replayed ? '' : ' (NOT a warm no-op)'}, ${uncached} uncached targets ran${warm.exitCode === 0 ? '' : `, exit ${warm.exitCode}`}; ${repeated.spread}`,
  });
  return rows;
}
