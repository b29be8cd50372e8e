import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probePython } from '../../../core/python.js';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, type ServiceCopy } from '../testing/good-service.js';
import { barePython, testContext } from '../testing/test-context.js';
import { banditRunner } from './bandit.js';

describe('bandit runner', () => {
  let copy: ServiceCopy | undefined;
  afterEach(async () => {
    await copy?.remove();
    copy = undefined;
  });

  it('passes the fixture service', async () => {
    const outcome = await banditRunner.run({ ir: goodServiceIr(), serviceDir: GOOD_SERVICE }, await testContext());
    expect(outcome).toMatchObject({ status: 'passed', findings: [], stats: { high: 0, medium: 0, low: 0 } });
  });

  it('turns a high-severity issue into an error and lower ones into warnings', async () => {
    copy = await copyGoodService();
    await copy.write(
      'app/shell.py',
      'import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n',
    );
    const outcome = await banditRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    expect(outcome.stats).toMatchObject({ high: 1, low: 1 });
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({ rule: 'B602', severity: 'error', file: 'app/shell.py', line: 5 }),
    );
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({ rule: 'B404', severity: 'warning', file: 'app/shell.py', line: 1 }),
    );
  });

  it('is skipped when neither the interpreter nor PATH has bandit', async () => {
    const bare = await barePython();
    try {
      const pythonInfo = await probePython(bare, ['bandit']);
      expect(pythonInfo?.modules.bandit).toBe(false);
      const ctx = await testContext({ pythonInfo, env: { ...process.env, PATH: dirname(bare) } });
      const outcome = await banditRunner.run({ ir: goodServiceIr(), serviceDir: GOOD_SERVICE }, ctx);
      expect(outcome).toMatchObject({ status: 'skipped', reason: 'bandit not installed', findings: [] });
    } finally {
      await rm(dirname(bare), { recursive: true, force: true });
    }
  });
});
