import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probePython } from '../../../core/python.js';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, type ServiceCopy } from '../testing/good-service.js';
import { barePython, testContext } from '../testing/test-context.js';
import { pytestRunner } from './pytest.js';

const FAILING_TEST = `from fastapi.testclient import TestClient

from app.main import app


def test_missing_payment_is_found():
    assert TestClient(app).get("/payments/999").status_code == 200
`;

describe('pytest runner', () => {
  let copy: ServiceCopy | undefined;
  afterEach(async () => {
    await copy?.remove();
    copy = undefined;
  });

  it('runs the fixture suite and counts the passing tests', async () => {
    const outcome = await pytestRunner.run({ ir: goodServiceIr(), serviceDir: GOOD_SERVICE }, await testContext());
    expect(outcome).toMatchObject({
      status: 'passed',
      findings: [],
      stats: { passed: 2, failed: 0, errors: 0, skipped: 0 },
    });
  });

  it('reports a failing test with its file and line', async () => {
    copy = await copyGoodService();
    await copy.write('tests/test_broken.py', FAILING_TEST);
    const outcome = await pytestRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    expect(outcome.stats).toMatchObject({ passed: 2, failed: 1, errors: 0 });
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({
      rule: 'test-failed',
      severity: 'error',
      file: 'tests/test_broken.py',
      line: 6,
    });
    expect(outcome.findings[0]!.message).toMatch(/test_missing_payment_is_found failed: .*assert 404 == 200/);
  });

  it('records what the tests imported, and warns about a pin no test ran with, naming its line', async () => {
    copy = await copyGoodService();
    await copy.write('requirements.txt', '# pins\nfastapi==0.1.0\nqlf-no-such-distribution==1.0\n');
    const ctx = await testContext();
    const outcome = await pytestRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, ctx);
    expect(outcome.status).toBe('passed');
    expect(outcome.tested?.python).toBe(ctx.pythonInfo!.version);
    const fastapi = outcome.tested!.packages.fastapi;
    expect(fastapi).toMatch(/^\d+\.\d+/);
    expect(outcome.findings).toEqual([
      {
        rule: 'pin-untested',
        severity: 'warning',
        message: `fastapi==0.1.0 is pinned, but the tests ran with fastapi ${fastapi} (Python ${ctx.pythonInfo!.version})`,
        file: 'requirements.txt',
        line: 2,
      },
      {
        rule: 'pin-untested',
        severity: 'warning',
        message: `qlf-no-such-distribution==1.0 is pinned, but the interpreter that ran the tests (Python ${ctx.pythonInfo!.version}) does not have qlf-no-such-distribution: no test ran with it`,
        file: 'requirements.txt',
        line: 3,
      },
    ]);
  });

  it('stops a suite that runs past the time limit and says so', async () => {
    copy = await copyGoodService();
    await copy.write('tests/test_slow.py', 'import time\n\n\ndef test_slow():\n    time.sleep(60)\n');
    const started = Date.now();
    const outcome = await pytestRunner.run(
      { ir: goodServiceIr(), serviceDir: copy.dir },
      await testContext({ timeoutMs: 4_000 }),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(outcome.status).toBe('failed');
    expect(outcome.findings[0]).toMatchObject({ rule: 'timeout', severity: 'error' });
    expect(outcome.findings[0]!.message).toMatch(/did not finish within 4000 ms/);
  });

  it('is skipped, naming what is missing, when the interpreter lacks fastapi and pytest', async () => {
    const bare = await barePython();
    try {
      const pythonInfo = await probePython(bare, ['fastapi', 'pytest', 'sqlalchemy', 'httpx']);
      const outcome = await pytestRunner.run(
        { ir: goodServiceIr(), serviceDir: GOOD_SERVICE },
        await testContext({ pythonInfo }),
      );
      expect(outcome).toEqual({
        status: 'skipped',
        reason: 'python with fastapi/pytest/sqlalchemy/httpx/prometheus_client not found (set QLF_PYTHON)',
        findings: [],
        stats: {},
      });
    } finally {
      await rm(dirname(bare), { recursive: true, force: true });
    }
  });
});
