// What `qlf run` spent on models: per brief and in total, read from the `llm-usage.json` each generate task that
// really ran wrote. A task served from the cache made no call and costs nothing now.
import { join } from 'node:path';
import { readUsageReport, type UsageReport } from '../../executors/generate/model/usage-report.js';
import type { TaskResult } from '../../graph/events.js';
import { LLM_USAGE } from '../../graph/stage-tasks/generate.js';
import { formatUsd } from '../../llm/cost/cost.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { usageLine } from './model-options.js';

export interface RunCost {
  briefs: { brief: string; usage: UsageReport }[];
  totalUsd: number;
}

export async function runCost(tasks: readonly TaskResult[], config: ResolvedConfig): Promise<RunCost | undefined> {
  const briefs: RunCost['briefs'] = [];
  for (const task of tasks) {
    if (task.stage !== 'generate' || task.status !== 'success') continue;
    const usage = await readUsageReport(join(config.outDir, task.brief, LLM_USAGE));
    if (usage && usage.provider !== 'templates') briefs.push({ brief: task.brief, usage });
  }
  if (briefs.length === 0) return undefined;
  const micro = briefs.reduce((n, b) => n + Math.round(b.usage.totalUsd * 1e6), 0);
  return { briefs: briefs.sort((a, b) => (a.brief < b.brief ? -1 : 1)), totalUsd: micro / 1e6 };
}

export function costLines(cost: RunCost): string[] {
  return [
    ...cost.briefs.map(({ brief, usage }) => `LLM ${brief}: ${usageLine(usage)}`),
    `LLM total: ${formatUsd(cost.totalUsd)}`,
  ];
}
