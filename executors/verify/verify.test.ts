import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isQlfError } from '../../core/errors.js';
import type { SqlDatabase } from '../../schemas/common.js';
import { verifyReportSchema } from '../../schemas/verify-report.js';
import { generateInto } from '../generate/fixtures/generate-into.js';
import { RUNNERS } from './runners/index.js';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, PCI_RULES } from './testing/good-service.js';
import { barePython } from './testing/test-context.js';
import { runVerify } from './verify.js';

/**
 * The fixture IR's service as qlf generates it, through the working-copy merge (which writes the initial Alembic
 * revision), in a temp folder. The fixture IR lists the liveness route as an endpoint of its own; generated services
 * serve `/health` themselves, so it is left out of what is generated (the rules still check it is served).
 */
async function generateFixtureService(): Promise<{ dir: string; remove(): Promise<void> }> {
  const ir = goodServiceIr(PCI_RULES);
  ir.api.endpoints = ir.api.endpoints.filter((endpoint) => endpoint.id !== 'health');
  const root = await mkdtemp(join(tmpdir(), 'qlf-verify-generated-'));
  const dir = join(root, 'service');
  try {
    const outcome = await generateInto(ir, dir, join(root, 'base'));
    expect(outcome.revision?.path).toBe('migrations/versions/0001_initial.py');
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rm(root, { recursive: true, force: true }) };
}

describe('runVerify', () => {
  it('runs every runner on the fixture service, each database runner on every database, and passes, even in strict mode', {
    timeout: 300_000,
  }, async () => {
    const service = await generateFixtureService();
    try {
      // PostgreSQL and MariaDB on throwaway loopback servers, and SQLite: under strict mode a server that cannot start
      // is a failure, not a skip.
      const databases: SqlDatabase[] = ['postgresql', 'mysql', 'sqlite'];
      const report = await runVerify(
        { ir: goodServiceIr(PCI_RULES), serviceDir: service.dir },
        { strict: true, timeoutMs: 120_000, databases },
      );
      expect(verifyReportSchema.parse(report)).toEqual(report);
      expect(report.runners.map((runner) => [runner.runner, runner.database, runner.status, runner.reason])).toEqual(
        RUNNERS.flatMap((runner) =>
          runner.perDatabase
            ? databases.map((database) => [runner.name, database, 'passed', undefined])
            : [[runner.name, undefined, 'passed', undefined]],
        ),
      );
      expect(RUNNERS.filter((runner) => runner.perDatabase).map((runner) => runner.name)).toEqual([
        'migrations',
        'pytest',
      ]);
      expect(report.passed).toBe(true);
      expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
      for (const database of databases) {
        const ran = (name: string) =>
          report.runners.find((runner) => runner.runner === name && runner.database === database)!.stats;
        // upgrade head, models-vs-schema drift, downgrade base, upgrade again: every step applied, nothing drifted.
        expect(ran('migrations'), database).toMatchObject({ failedSteps: 0, drift: 0 });
        expect(ran('migrations').steps, database).toBeGreaterThan(0);
        // The whole suite on each database: none failed, errored or skipped.
        expect(ran('pytest'), database).toMatchObject({ failed: 0, errors: 0, skipped: 0 });
        expect(ran('pytest').passed, database).toBe(
          report.runners.find((runner) => runner.runner === 'pytest' && runner.database === 'sqlite')!.stats.passed,
        );
      }
      expect(report.runners.find((runner) => runner.runner === 'pytest')!.stats.passed).toBeGreaterThan(0);
      // Nothing the checks ran (compile, pytest, alembic, uvicorn, bandit) left caches or databases in the service folder.
      const left = (await readdir(service.dir, { recursive: true })).map(String);
      expect(left.filter((entry) => /__pycache__|\.pytest_cache|\.db$/.test(entry))).toEqual([]);
    } finally {
      await service.remove();
    }
  });

  it("runs the database runners once per default target: the brief's database and SQLite, without repeats", async () => {
    const report = await runVerify(
      { ir: goodServiceIr(), serviceDir: GOOD_SERVICE },
      { strict: true, timeoutMs: 60_000, runners: ['conflict-markers', 'pytest'] },
    );
    // The fixture brief targets SQLite: that one database, once.
    expect(report.runners.map((runner) => [runner.runner, runner.database, runner.status])).toEqual([
      ['conflict-markers', undefined, 'passed'],
      ['pytest', 'sqlite', 'passed'],
    ]);
    expect(report.runners[1]?.stats).toMatchObject({ passed: 2, failed: 0 });
  });

  it('fails the gate on an error finding and sorts findings by place', async () => {
    const copy = await copyGoodService();
    try {
      await copy.write('app/settings.py', 'import os\n\npassword = "hunter2hunter2"\n');
      await copy.replace('app/models.py', '    card_number_encrypted = Column(', '    card_number = Column(');
      const report = await runVerify(
        { ir: goodServiceIr(PCI_RULES), serviceDir: copy.dir },
        { strict: false, timeoutMs: 60_000, runners: ['secrets', 'overlay-rules'] },
      );
      expect(report.passed).toBe(false);
      expect(report.runners.map((runner) => runner.runner)).toEqual(['secrets', 'overlay-rules']);
      const places = report.findings.map((finding) => `${finding.runner}:${finding.file}:${finding.line}`);
      expect(places).toEqual([
        'overlay-rules:app/models.py:7',
        'overlay-rules:app/models.py:12',
        'secrets:app/settings.py:3',
      ]);
    } finally {
      await copy.remove();
    }
  });

  it('skips a runner whose tool is missing: passes normally, fails under --strict', async () => {
    const bare = await barePython();
    try {
      const input = { ir: goodServiceIr(), serviceDir: GOOD_SERVICE };
      const lenient = await runVerify(input, { python: bare, strict: false, timeoutMs: 30_000, runners: ['pytest'] });
      expect(lenient.runners[0]).toMatchObject({
        runner: 'pytest',
        status: 'skipped',
        reason: 'python with fastapi/pytest/sqlalchemy/httpx/prometheus_client not found (set QLF_PYTHON)',
      });
      expect(lenient.passed).toBe(true);
      const strict = await runVerify(input, { python: bare, strict: true, timeoutMs: 30_000, runners: ['pytest'] });
      expect(strict.passed).toBe(false);
      expect(strict.strict).toBe(true);
    } finally {
      await rm(dirname(bare), { recursive: true, force: true });
    }
  });

  it('rejects an unknown runner name, listing the known ones', async () => {
    const error = await runVerify(
      { ir: goodServiceIr(), serviceDir: GOOD_SERVICE },
      { strict: false, timeoutMs: 1_000, runners: ['lint'] },
    ).catch((caught: unknown) => caught);
    expect(isQlfError(error) && error.code).toBe('E_VERIFY_RUNNER');
    expect(isQlfError(error) && error.hint).toContain(
      'conflict-markers, py-compile, secrets, overlay-rules, bandit, openapi, migrations, pytest',
    );
  });

  it('rejects a missing service folder with a hint to generate it', async () => {
    const error = await runVerify(
      { ir: goodServiceIr(), serviceDir: '/nonexistent/qlf/service' },
      { strict: false, timeoutMs: 1_000 },
    ).catch((caught: unknown) => caught);
    expect(isQlfError(error) && error.code).toBe('E_VERIFY_NO_SERVICE');
  });
});
