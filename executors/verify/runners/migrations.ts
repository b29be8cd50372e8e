// Applies the service's Alembic revisions to a real, empty database: upgrade head, compare the result with the models,
// downgrade base (which must leave no table), upgrade head again. One finding per failed step and per difference.
import { rm } from 'node:fs/promises';
import { ownedTempDir } from '../../../core/owned-temp.js';
import { packagePath } from '../../../core/package-info.js';
import { childEnv, runProcess, tail } from '../lib/process.js';
import { missingPython, outcomeOf, type RunnerFinding, type VerifyRunner } from '../lib/runner.js';
import { serviceEnv } from '../lib/service-env.js';

const REQUIRED = ['alembic', 'sqlalchemy', 'fastapi'] as const;
/** The Python database drivers each kind needs, as their modules are named. */
const DRIVERS = { postgresql: ['psycopg2'], mysql: ['pymysql'], sqlite: [] } as const;

interface CheckReport {
  steps: { step: string; ok: boolean; error?: string }[];
  drift: string[];
  leftover: string[];
  trace?: string;
}

export const migrationsRunner: VerifyRunner = {
  name: 'migrations',
  heavy: true,
  perDatabase: true,
  async run(input, ctx) {
    const database = ctx.database;
    if (!database) return { status: 'skipped', reason: 'no database to migrate', findings: [], stats: {} };
    const missing = missingPython(ctx, [...REQUIRED, ...DRIVERS[database.kind]]);
    if (missing || !ctx.pythonInfo) return { status: 'skipped', reason: missing, findings: [], stats: {} };
    const tmp = await ownedTempDir('migrations');
    try {
      const env = childEnv(ctx.env, { ...(await serviceEnv(input.serviceDir, tmp)), DATABASE_URL: database.url });
      const script = packagePath('executors', 'verify', 'python', 'migration_check.py');
      const result = await runProcess(ctx.pythonInfo.path, [script], {
        cwd: input.serviceDir,
        env,
        timeoutMs: ctx.timeoutMs,
      });
      if (result.timedOut) {
        const message = `the migrations did not finish within ${ctx.timeoutMs} ms and were stopped`;
        return outcomeOf([{ rule: 'timeout', severity: 'error', message }], { timedOut: 1 });
      }
      const last = result.stdout.trim().split('\n').at(-1) ?? '';
      let report: CheckReport;
      try {
        report = JSON.parse(last) as CheckReport;
      } catch {
        const message = `the migration check did not run (exit ${result.exitCode}):\n${tail(`${result.stdout}\n${result.stderr}`)}`;
        return outcomeOf([{ rule: 'migrations-run', severity: 'error', message }]);
      }
      const findings: RunnerFinding[] = [];
      for (const step of report.steps.filter((candidate) => !candidate.ok)) {
        const trace = report.trace ? `\n${tail(report.trace, 6)}` : '';
        findings.push({ rule: 'migration-failed', severity: 'error', message: `${step.step}: ${step.error}${trace}` });
      }
      for (const difference of report.drift) {
        findings.push({
          rule: 'models-drift',
          severity: 'error',
          message: `app/models.py and the migrated database differ: ${difference} (write a revision for it: \`alembic revision --autogenerate -m "..."\`)`,
          file: 'app/models.py',
        });
      }
      const applied = report.steps.filter((step) => step.ok).length;
      return outcomeOf(findings, {
        steps: applied,
        failedSteps: report.steps.length - applied,
        drift: report.drift.length,
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
