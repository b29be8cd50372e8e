import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, type ServiceCopy } from '../testing/good-service.js';
import { runVerify } from '../verify.js';
import { conflictMarkersRunner } from './conflict-markers.js';

// Assembled at run time so this test file itself holds no marker lines.
const START = '<'.repeat(7);
const BASE = '|'.repeat(7);
const SEP = '='.repeat(7);
const END = '>'.repeat(7);

const CONFLICTED_PY = [
  'from fastapi import APIRouter',
  '',
  'router = APIRouter()',
  `${START} yours`,
  'LIMIT = 50',
  `${BASE} base`,
  'LIMIT = 10',
  SEP,
  'LIMIT = 20',
  `${END} generated`,
  '',
].join('\n');

const FILES: Record<string, string | Buffer> = {
  'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
  'app/routes.py': CONFLICTED_PY,
  'README.md': `Orders service\n${SEP}\n\nUsage\n-----\n\nRun it.\n`,
  'app/settings.py': `import os\n\n${START} yours\nDEBUG = True\n${SEP}\nDEBUG = False\n`,
  'static/logo.bin': Buffer.concat([
    Buffer.from(`${START} yours\n`),
    Buffer.from([0, 1, 2]),
    Buffer.from(`\n${END}\n`),
  ]),
  'app/__pycache__/routes.cpython-312.py': CONFLICTED_PY,
};

async function writeService(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), content);
  }
}

describe('conflict-markers runner', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-conflict-markers-'));
    await writeService(root, FILES);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports one finding per conflict block, skipping underlines, binaries and caches', async () => {
    const outcome = await conflictMarkersRunner.run(
      { ir: goodServiceIr(), serviceDir: root },
      { strict: false, timeoutMs: 1_000, env: {} },
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.stats).toEqual({ files: 4, conflicts: 2 });
    expect(outcome.findings).toEqual([
      {
        rule: 'unresolved-conflict',
        severity: 'error',
        file: 'app/routes.py',
        line: 4,
        column: 1,
        message:
          `unresolved merge conflict (lines 4-10): resolve the ${START} yours … ${END} generated block ` +
          'in your editor and delete the marker lines',
      },
      {
        rule: 'unresolved-conflict',
        severity: 'error',
        file: 'app/settings.py',
        line: 3,
        column: 1,
        message:
          `unresolved merge conflict (lines 3-6, no closing ${END} line): resolve the ${START} yours block ` +
          'in your editor and delete the marker lines',
      },
    ]);
  });

  it('passes a folder whose only ======= lines are underlines', async () => {
    await rm(join(root, 'app/routes.py'));
    await rm(join(root, 'app/settings.py'));
    const outcome = await conflictMarkersRunner.run(
      { ir: goodServiceIr(), serviceDir: root },
      { strict: false, timeoutMs: 1_000, env: {} },
    );
    expect(outcome).toEqual({ status: 'passed', findings: [], stats: { files: 2, conflicts: 0 } });
  });

  it('reports a marker line left behind after the opening one was deleted', async () => {
    await writeService(root, { 'app/routes.py': `x = 1\n${END} generated\n`, 'app/settings.py': 'DEBUG = False\n' });
    const outcome = await conflictMarkersRunner.run(
      { ir: goodServiceIr(), serviceDir: root },
      { strict: false, timeoutMs: 1_000, env: {} },
    );
    expect(outcome.findings).toEqual([
      expect.objectContaining({ rule: 'unresolved-conflict', severity: 'error', file: 'app/routes.py', line: 2 }),
    ]);
  });
});

describe('runVerify with conflict markers', () => {
  let copy: ServiceCopy | undefined;
  afterEach(async () => {
    await copy?.remove();
    copy = undefined;
  });

  it('passes the fixture service', async () => {
    const report = await runVerify(
      { ir: goodServiceIr(), serviceDir: GOOD_SERVICE },
      { strict: false, timeoutMs: 1_000, runners: ['conflict-markers'] },
    );
    expect(report.runners).toEqual([{ runner: 'conflict-markers', status: 'passed', stats: expect.any(Object) }]);
    expect(report.passed).toBe(true);
  });

  it('fails the report on a conflicted file', async () => {
    copy = await copyGoodService();
    await copy.write('app/routes_extra.py', CONFLICTED_PY);
    const report = await runVerify(
      { ir: goodServiceIr(), serviceDir: copy.dir },
      { strict: false, timeoutMs: 1_000, runners: ['conflict-markers'] },
    );
    expect(report.passed).toBe(false);
    expect(report.runners).toEqual([
      { runner: 'conflict-markers', status: 'failed', stats: expect.objectContaining({ conflicts: 1 }) },
    ]);
    expect(report.findings).toEqual([
      expect.objectContaining({
        runner: 'conflict-markers',
        rule: 'unresolved-conflict',
        severity: 'error',
        file: 'app/routes_extra.py',
        line: 4,
      }),
    ]);
  });
});
