// What the model calls of one generation cost: written beside the generated tree (`llm-usage.json`) and summed by
// `qlf run` per brief and in total.
import { readFile } from 'node:fs/promises';
import type { LlmCallRecord } from '../../../llm/session.js';

export interface UsageReport {
  /** `templates`, or the provider that was asked. */
  provider: string;
  /** The model that was asked, resolved from the alias. */
  model?: string;
  calls: LlmCallRecord[];
  totalUsd: number;
  /** Why no call was needed. */
  note?: string;
  /** Set when `--fallback template` kept the template-only service, with the reason. */
  fallback?: string;
}

export function totalOf(calls: readonly LlmCallRecord[]): number {
  return Math.round(calls.reduce((sum, call) => sum + call.costUsd, 0) * 1e6) / 1e6;
}

/** The usage report at `file`; undefined when it is missing or unreadable (a run's cost line and metrics never fail a run). */
export async function readUsageReport(file: string): Promise<UsageReport | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as UsageReport;
  } catch {
    return undefined;
  }
}
