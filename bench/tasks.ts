// What a measured `qlf run --json` did, for the benchmark's check column, and the median of repeated measurements.
import { STAGES, type StageName } from '../graph/stages.js';
import type { Measured } from './measure.js';

export interface JsonTask {
  id: string;
  brief: string;
  stage: StageName;
  status: 'success' | 'cached' | 'failed' | 'skipped';
}

/** One line of the benchmark table. */
export interface Row {
  /** Briefs in the workspace, or a workspace's name (`examples`). */
  size: number | string;
  scenario: string;
  measured: Measured;
  /** What ran (not cached), and whether that is what should have run. */
  check: string;
  /** Tasks that ran (were not cache hits), when qlf measured them. */
  ran?: number;
}

export function tasksOf(measured: Measured): JsonTask[] {
  try {
    return (JSON.parse(measured.stdout) as { tasks: JsonTask[] }).tasks;
  } catch {
    return [];
  }
}

/** Tasks that really ran: not served from the cache. */
export function ranTasks(tasks: JsonTask[]): JsonTask[] {
  return tasks.filter((t) => t.status === 'success' || t.status === 'failed');
}

/** "ran 2 (compile 1, generate 1), FAILED 1": what the run did, by stage. */
export function summary(tasks: JsonTask[]): string {
  const ran = ranTasks(tasks);
  const byStage = STAGES.map((stage) => [stage, ran.filter((t) => t.stage === stage).length] as const)
    .filter(([, n]) => n > 0)
    .map(([stage, n]) => `${stage} ${n}`);
  const failed = tasks.filter((t) => t.status === 'failed').length;
  return `ran ${ran.length}${byStage.length > 0 ? ` (${byStage.join(', ')})` : ''}${failed > 0 ? `, FAILED ${failed}` : ''}`;
}

/** Checks that exactly `expected` task ids ran (were not cache hits); returns a verdict for the table. */
export function expectRan(tasks: JsonTask[], expected: string[]): string {
  const ran = tasks
    .filter((t) => t.status !== 'cached')
    .map((t) => t.id)
    .sort();
  const want = [...expected].sort();
  const ok = ran.length === want.length && ran.every((id, i) => id === want[i]);
  return `${summary(tasks)}; ${ok ? 'as expected' : `EXPECTED ${want.length}: ${want.slice(0, 4).join(' ')}...`}`;
}

export function formatWall(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Runs `measure` `times` times; the run with the median wall time, and the spread for the table. */
export async function median(
  times: number,
  measure: () => Promise<Measured>,
): Promise<{ median: Measured; spread: string }> {
  const runs: Measured[] = [];
  for (let i = 0; i < times; i++) runs.push(await measure());
  runs.sort((a, b) => a.wallMs - b.wallMs);
  const ms = (m: Measured | undefined) => formatWall(m?.wallMs ?? 0);
  return {
    median: runs[Math.floor((runs.length - 1) / 2)] as Measured,
    spread: times > 1 ? `median of ${times}, ${ms(runs[0])}–${ms(runs[runs.length - 1])}` : 'one run',
  };
}
