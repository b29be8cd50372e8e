// The verify gate: one place that decides whether a report passes.
import type { RunnerResult, VerifyFinding } from '../../../schemas/verify-report.js';

/**
 * Fails on any error finding or failed runner; with `strict`, a skipped runner (a check that could not run) fails too,
 * because an unrun check proves nothing.
 */
export function gate(runners: RunnerResult[], findings: VerifyFinding[], strict: boolean): boolean {
  if (findings.some((finding) => finding.severity === 'error')) return false;
  if (runners.some((runner) => runner.status === 'failed')) return false;
  if (strict && runners.some((runner) => runner.status === 'skipped')) return false;
  return true;
}
