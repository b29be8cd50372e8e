import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, type ServiceCopy } from '../testing/good-service.js';
import { testContext } from '../testing/test-context.js';
import { pyCompileRunner } from './py-compile.js';

async function hasPycache(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { recursive: true });
  return entries.some((entry) => entry.toString().includes('__pycache__'));
}

describe('py-compile runner', () => {
  let copy: ServiceCopy | undefined;
  afterEach(async () => {
    await copy?.remove();
    copy = undefined;
  });

  it('passes the fixture service and writes no bytecode into it', async () => {
    const outcome = await pyCompileRunner.run({ ir: goodServiceIr(), serviceDir: GOOD_SERVICE }, await testContext());
    expect(outcome).toMatchObject({ status: 'passed', findings: [], stats: { errors: 0 } });
    expect(outcome.stats.files).toBeGreaterThanOrEqual(8);
    expect(await hasPycache(GOOD_SERVICE)).toBe(false);
  });

  it('reports a syntax error with its file, line and column', async () => {
    copy = await copyGoodService();
    await copy.replace(
      'app/models.py',
      '    id = Column(Integer, primary_key=True)',
      '    id = Column(Integer, primary_key=True',
    );
    const outcome = await pyCompileRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ rule: 'syntax-error', severity: 'error', file: 'app/models.py' });
    expect(outcome.findings[0]!.line).toBeGreaterThanOrEqual(10);
    expect(outcome.findings[0]!.message).toMatch(/SyntaxError/);
    expect(await hasPycache(copy.dir)).toBe(false);
  });

  it('is skipped when no Python runs', async () => {
    const outcome = await pyCompileRunner.run(
      { ir: goodServiceIr(), serviceDir: GOOD_SERVICE },
      await testContext({ pythonInfo: undefined }),
    );
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'python not found (set QLF_PYTHON)' });
  });
});
