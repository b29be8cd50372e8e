// Security lint of the generated Python with bandit: high severity is an error, the rest warnings.
import { childEnv, runProcess, tail } from '../lib/process.js';
import { outcomeOf, type RunnerFinding, type RunnerOutcome, skipped, type VerifyRunner } from '../lib/runner.js';

interface BanditIssue {
  filename: string;
  line_number: number;
  col_offset?: number;
  issue_severity: 'HIGH' | 'MEDIUM' | 'LOW' | 'UNDEFINED';
  issue_confidence: string;
  issue_text: string;
  test_id: string;
}

interface BanditReport {
  results: BanditIssue[];
  errors: Array<{ filename: string; reason: string }>;
}

// Test code asserts by design (B101) and uses fixtures freely; bandit checks the code that ships.
const EXCLUDED = ['./tests', './.venv', './venv'];

function relative(file: string): string {
  return file.replace(/^\.\//, '');
}

function toOutcome(report: BanditReport): RunnerOutcome {
  const findings: RunnerFinding[] = report.results.map((issue) => ({
    rule: issue.test_id,
    severity: issue.issue_severity === 'HIGH' ? 'error' : 'warning',
    message: `${issue.issue_text} (severity ${issue.issue_severity.toLowerCase()}, confidence ${issue.issue_confidence.toLowerCase()})`,
    file: relative(issue.filename),
    line: issue.line_number,
    ...(issue.col_offset !== undefined ? { column: issue.col_offset + 1 } : {}),
  }));
  for (const error of report.errors) {
    findings.push({ rule: 'bandit-error', severity: 'warning', message: error.reason, file: relative(error.filename) });
  }
  const count = (level: string) => report.results.filter((issue) => issue.issue_severity === level).length;
  return outcomeOf(findings, { high: count('HIGH'), medium: count('MEDIUM'), low: count('LOW') });
}

export const banditRunner: VerifyRunner = {
  name: 'bandit',
  async run(input, ctx) {
    // The interpreter's module first (same Python as the service), else a `bandit` executable on PATH.
    const viaPython = ctx.pythonInfo?.modules.bandit ? ctx.pythonInfo.path : undefined;
    const command = viaPython ?? 'bandit';
    const args = [...(viaPython ? ['-m', 'bandit'] : []), '-r', '.', '-f', 'json', '-q', '-x', EXCLUDED.join(',')];
    const result = await runProcess(command, args, {
      cwd: input.serviceDir,
      env: childEnv(ctx.env),
      timeoutMs: ctx.timeoutMs,
    });
    if (result.notFound) return skipped('bandit not installed');
    if (result.timedOut) {
      return outcomeOf([{ rule: 'timeout', severity: 'error', message: `bandit took over ${ctx.timeoutMs} ms` }]);
    }
    const start = result.stdout.indexOf('{');
    let report: BanditReport;
    try {
      report = JSON.parse(result.stdout.slice(start)) as BanditReport;
    } catch {
      if (/No module named bandit/.test(result.stderr)) return skipped('bandit not installed');
      const message = `bandit produced no report (exit ${result.exitCode}): ${tail(result.stderr)}`;
      return outcomeOf([{ rule: 'bandit-crashed', severity: 'error', message }]);
    }
    return toOutcome(report);
  },
};
