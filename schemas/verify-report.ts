// What the verify stage returns: findings with places, per-runner results, and the gate's verdict.
import { z } from 'zod';

export const findingSchema = z.object({
  runner: z.string(),
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  /** Path relative to the service root. */
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** The database the check ran against, for checks run once per target database (migrations, pytest). */
  database: z.string().optional(),
});
export type VerifyFinding = z.infer<typeof findingSchema>;

// No durations: the report's bytes depend only on what was checked, so it can be packaged reproducibly. Timings go
// to the task log through `VerifyContext.onRunnerDone`.
export const runnerResultSchema = z.object({
  runner: z.string(),
  /** The database this run used, for runners run once per target database (migrations, pytest). */
  database: z.string().optional(),
  status: z.enum(['passed', 'failed', 'skipped']),
  /** For skipped: `<tool> not installed` and the like. */
  reason: z.string().optional(),
  /** Counts a runner measured, e.g. pytest's passed/failed. */
  stats: z.record(z.string(), z.number()).default({}),
});
export type RunnerResult = z.infer<typeof runnerResultSchema>;

/** What the test run really ran with: the interpreter, and every installed distribution the tests imported. */
export const testedVersionsSchema = z.object({
  /** `major.minor.micro` of the interpreter that ran the tests. */
  python: z.string(),
  /** PEP 503 name → version as `importlib.metadata` reports it (what pip sees), for each distribution imported. */
  packages: z.record(z.string(), z.string()),
});
export type TestedVersions = z.infer<typeof testedVersionsSchema>;

export const verifyReportSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  strict: z.boolean(),
  runners: z.array(runnerResultSchema),
  findings: z.array(findingSchema),
  /** Absent when no test suite ran in Python (pytest skipped, timed out, or not selected). */
  tested: testedVersionsSchema.optional(),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;
