import { readdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isQlfError } from '../../core/errors.js';
import { verifyReportSchema } from '../../schemas/verify-report.js';
import { fixtureIr, PCI_RULES } from './lib/fixture-ir.js';
import { copyGoodService, GOOD_SERVICE } from './lib/fixture-service.js';
import { barePython } from './lib/test-context.js';
import { RUNNER_NAMES } from './runners/index.js';
import { runVerify } from './verify.js';

describe('runVerify', () => {
  it('runs every runner on the fixture service and passes, even in strict mode', async () => {
    const report = await runVerify(
      { ir: fixtureIr(PCI_RULES), serviceDir: GOOD_SERVICE },
      { strict: true, timeoutMs: 60_000 },
    );
    expect(verifyReportSchema.parse(report)).toEqual(report);
    expect(report.runners.map((runner) => [runner.runner, runner.status])).toEqual(
      RUNNER_NAMES.map((name) => [name, 'passed']),
    );
    expect(report.passed).toBe(true);
    expect(report.findings.every((finding) => finding.severity !== 'error')).toBe(true);
    expect(report.runners.find((runner) => runner.runner === 'pytest')!.stats).toMatchObject({ passed: 2, failed: 0 });
    // Nothing the checks ran (compile, pytest, uvicorn, bandit) left caches or databases in the service folder.
    const left = (await readdir(GOOD_SERVICE, { recursive: true })).map(String);
    expect(left.filter((entry) => /__pycache__|\.pytest_cache|\.db$/.test(entry))).toEqual([]);
  });

  it('fails the gate on an error finding and sorts findings by place', async () => {
    const copy = await copyGoodService();
    try {
      await copy.write('app/settings.py', 'import os\n\npassword = "hunter2hunter2"\n');
      await copy.replace('app/models.py', '    card_number_encrypted = Column(', '    card_number = Column(');
      const report = await runVerify(
        { ir: fixtureIr(PCI_RULES), serviceDir: copy.dir },
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
      const input = { ir: fixtureIr(), serviceDir: GOOD_SERVICE };
      const lenient = await runVerify(input, { python: bare, strict: false, timeoutMs: 30_000, runners: ['pytest'] });
      expect(lenient.runners[0]).toMatchObject({
        runner: 'pytest',
        status: 'skipped',
        reason: 'python with fastapi/pytest/sqlalchemy/httpx not found (set QLF_PYTHON)',
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
      { ir: fixtureIr(), serviceDir: GOOD_SERVICE },
      { strict: false, timeoutMs: 1_000, runners: ['lint'] },
    ).catch((caught: unknown) => caught);
    expect(isQlfError(error) && error.code).toBe('E_VERIFY_RUNNER');
    expect(isQlfError(error) && error.hint).toContain(
      'conflict-markers, py-compile, secrets, overlay-rules, bandit, openapi, pytest',
    );
  });

  it('rejects a missing service folder with a hint to generate it', async () => {
    const error = await runVerify(
      { ir: fixtureIr(), serviceDir: '/nonexistent/qlf/service' },
      { strict: false, timeoutMs: 1_000 },
    ).catch((caught: unknown) => caught);
    expect(isQlfError(error) && error.code).toBe('E_VERIFY_NO_SERVICE');
  });
});
