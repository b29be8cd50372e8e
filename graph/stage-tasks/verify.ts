// Stage task `verify`: `ir.json` + `service/` → `verify/report.json`. A report that did not pass fails the task; the
// report is still published so the user can read why.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../../core/canonical-json.js';
import { workError } from '../../core/errors.js';
import { ownedTempDir } from '../../core/owned-temp.js';
import { defineStageTask } from '../stage-task.js';
import { STAGE_OUTPUTS } from '../stages.js';

/** `pytest[postgresql]` for a run against one database, else the runner's name. */
function runnerLabel(entry: { runner: string; database?: string }): string {
  return entry.database ? `${entry.runner}[${entry.database}]` : entry.runner;
}

export const verifyTask = defineStageTask({
  stage: 'verify',
  heavy: true,
  retryable: false,
  cacheable: true,
  publishOnFailure: true,
  reads: ['compile', 'generate'],
  outputs: [...STAGE_OUTPUTS.verify],
  async inputs(ctx) {
    const { strict, timeoutMs, databases } = ctx.config.verify;
    // The interpreter choice changes which checks can run. What it can import is not hashed (asking it takes time, and a
    // cache key never depends on a timing): a report with a skipped check is never cached instead.
    const python = ctx.config.python.interpreter ?? process.env.QLF_PYTHON ?? '';
    // Whether a database server can start here is not hashed either: a run that skipped one is not cached.
    return [
      `strict ${strict}`,
      `timeoutMs ${timeoutMs}`,
      `python ${python}`,
      `databases ${databases?.join(',') ?? 'brief,sqlite'}`,
    ];
  },
  async run(ctx) {
    // Loaded when the stage runs: a warm run hashes every task and runs none.
    const { irSchema } = await import('../../schemas/ir.js');
    const ir = irSchema.parse(JSON.parse(await readFile(join(ctx.inputDir, 'ir.json'), 'utf8')));
    // Checks run on a scratch copy: pytest and byte-compiling leave caches that must not leak into other stages. Its
    // name carries our pid: when we are killed, the next run removes it (core/dead-run-sweep.ts).
    const scratch = await ownedTempDir('verify');
    try {
      const serviceDir = join(scratch, 'service');
      await cp(ctx.serviceDir, serviceDir, { recursive: true });
      const { runVerify } = await import('../../executors/verify/verify.js');
      const report = await runVerify(
        { ir, serviceDir },
        {
          strict: ctx.config.verify.strict,
          timeoutMs: ctx.config.verify.timeoutMs,
          python: ctx.config.python.interpreter,
          ...(ctx.config.verify.databases ? { databases: ctx.config.verify.databases } : {}),
          onRunnerDone: (runner, ms) => {
            if (runner.status !== 'skipped') ctx.log(`${runner.status.padEnd(7)} ${runnerLabel(runner)} ${ms} ms`);
          },
        },
      );
      for (const runner of report.runners) {
        if (runner.status === 'skipped') ctx.skip(runnerLabel(runner), runner.reason ?? 'not run');
      }
      await mkdir(join(ctx.outDir, 'verify'), { recursive: true });
      await writeFile(join(ctx.outDir, 'verify', 'report.json'), canonicalJson(report));
      const errors = report.findings.filter((f) => f.severity === 'error');
      for (const finding of errors.slice(0, 20)) {
        const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}: ` : '';
        ctx.log(`error ${runnerLabel(finding)}/${finding.rule}: ${where}${finding.message}`);
      }
      if (!report.passed) {
        throw workError('E_VERIFY_FAILED', `verification failed (${errors.length} errors); see verify/report.json`, {
          hint: 'Fix the findings listed above, or the brief, and run again.',
        });
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
});
