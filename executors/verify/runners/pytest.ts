// Runs the generated test suite in real Python and turns the JUnit report into counts and one finding per failing test.
// It also records which distributions the tests imported, and warns about each pin no test ran with.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedTempDir } from '../../../core/owned-temp.js';
import { captureImportedVersions } from '../lib/imported-versions.js';
import { parseJunit } from '../lib/junit.js';
import { childEnv, runProcess, tail } from '../lib/process.js';
import { missingPython, outcomeOf, type RunnerFinding, type VerifyRunner } from '../lib/runner.js';
import { serviceEnv } from '../lib/service-env.js';
import { pinnedNames, readPinnedFiles, untestedPins } from '../lib/untested-pins.js';

const REQUIRED = ['fastapi', 'pytest', 'sqlalchemy', 'httpx', 'prometheus_client'] as const;

// pytest's exit codes that mean "the run itself went wrong" rather than "some tests failed".
const EXIT_MEANING: Record<number, string> = {
  2: 'the run was interrupted',
  3: 'pytest hit an internal error',
  4: 'pytest was called wrongly',
  5: 'pytest collected no tests',
};

export const pytestRunner: VerifyRunner = {
  name: 'pytest',
  heavy: true,
  perDatabase: true,
  async run(input, ctx) {
    const missing = missingPython(ctx, REQUIRED);
    if (missing || !ctx.pythonInfo) return { status: 'skipped', reason: missing, findings: [], stats: {} };
    const tmp = await ownedTempDir('pytest');
    try {
      const junit = join(tmp, 'junit.xml');
      const args = ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', `--junitxml=${junit}`, '-o', 'junit_family=xunit1'];
      args.push(`--basetemp=${join(tmp, 'basetemp')}`);
      const pinned = await readPinnedFiles(input.serviceDir);
      const service = await serviceEnv(input.serviceDir, tmp);
      // The suite migrates this (empty) database to head itself, then runs every test on it.
      if (ctx.database) service.TEST_DATABASE_URL = service.DATABASE_URL = ctx.database.url;
      const capture = captureImportedVersions(tmp, pinnedNames(pinned), service.PYTHONPATH);
      args.push(...capture.args);
      if (ctx.testPaths) args.push('--', ...ctx.testPaths);
      const env = childEnv(ctx.env, { ...service, ...capture.env });
      const result = await runProcess(ctx.pythonInfo.path, args, {
        cwd: input.serviceDir,
        env,
        timeoutMs: ctx.timeoutMs,
      });
      if (result.timedOut) {
        const message = `the test suite did not finish within ${ctx.timeoutMs} ms and was stopped`;
        return outcomeOf([{ rule: 'timeout', severity: 'error', message }], { timedOut: 1 });
      }
      let xml = '';
      try {
        xml = await readFile(junit, 'utf8');
      } catch {
        // No report: pytest failed before running anything; the exit code and output say why.
      }
      const summary = parseJunit(xml);
      const stats = {
        passed: summary.passed,
        failed: summary.failed,
        errors: summary.errors,
        skipped: summary.skipped,
      };
      const findings: RunnerFinding[] = [];
      for (const testCase of summary.cases) {
        if (testCase.outcome !== 'failed' && testCase.outcome !== 'error') continue;
        const verb = testCase.outcome === 'failed' ? 'failed' : 'errored';
        const detail = testCase.message ? `: ${testCase.message.split('\n')[0]}` : '';
        findings.push({
          rule: testCase.outcome === 'failed' ? 'test-failed' : 'test-error',
          severity: 'error',
          message: `${testCase.classname}::${testCase.name} ${verb}${detail}`,
          ...(testCase.file ? { file: testCase.file } : {}),
          ...(testCase.line ? { line: testCase.line } : {}),
        });
      }
      const exit = result.exitCode ?? -1;
      if (findings.length === 0 && exit !== 0) {
        const meaning = EXIT_MEANING[exit] ?? `pytest exited with ${exit}`;
        findings.push({
          rule: 'pytest-run',
          severity: 'error',
          message: `${meaning}\n${tail(result.stdout + '\n' + result.stderr)}`,
        });
      }
      const imported = await capture.read();
      if (!imported) return outcomeOf(findings, stats);
      findings.push(...untestedPins(pinned, imported));
      return { ...outcomeOf(findings, stats), tested: imported.tested };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
