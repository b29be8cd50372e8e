import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../core/python.js';
import { captureImportedVersions, mergeTestedVersions, parseImportedVersions } from './imported-versions.js';
import { childEnv, runProcess } from './process.js';

const root = await mkdtemp(join(tmpdir(), 'qlf-imported-versions-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Runs a one-test pytest session in a fresh folder with the plugin loaded; returns what the capture read. */
async function session(testBody: string, pinned: string[] = [], localPackage?: string) {
  const python = await findPython();
  if (!python) throw new Error('no python with fastapi/pytest found: set QLF_PYTHON');
  const dir = await mkdtemp(join(root, 'run-'));
  await mkdir(join(dir, 'tests'));
  if (localPackage) {
    await mkdir(join(dir, localPackage));
    await writeFile(join(dir, localPackage, '__init__.py'), '');
  }
  await writeFile(join(dir, 'tests', 'test_one.py'), testBody);
  const capture = captureImportedVersions(dir, pinned);
  const result = await runProcess(python.path, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...capture.args], {
    cwd: dir,
    env: childEnv(process.env, capture.env),
    timeoutMs: 60_000,
  });
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  return { python, imported: await capture.read() };
}

describe('captureImportedVersions with the real interpreter', () => {
  it('records fastapi, its dependencies and the interpreter when a test imports it', async () => {
    const { python, imported } = await session('def test_app():\n    import fastapi\n    assert fastapi.FastAPI\n');
    expect(imported?.tested.python).toBe(python.version);
    const packages = imported!.tested.packages;
    expect(packages.fastapi).toMatch(/^\d+\.\d+/);
    expect(packages.pydantic).toMatch(/^\d+\.\d+/);
    expect(packages.pytest).toMatch(/^\d+\.\d+/);
    expect(Object.keys(packages)).toEqual(Object.keys(packages).sort());
    expect(imported!.installed).toEqual({});
  });

  it('leaves out what the tests did not import, and service-local modules named like a distribution', async () => {
    // The service's own `sqlalchemy` folder shadows the installed SQLAlchemy: the tests never ran the distribution.
    const test = 'import sys\nsys.path.insert(0, ".")\nimport sqlalchemy\n\n\ndef test_x():\n    pass\n';
    const { imported } = await session(test, [], 'sqlalchemy');
    expect(imported!.tested.packages.fastapi).toBeUndefined();
    expect(imported!.tested.packages.sqlalchemy).toBeUndefined();
    expect(imported!.tested.packages.pytest).toBeDefined();
  });

  it('reports the installed version of pinned distributions the tests did not import, null when absent', async () => {
    const { imported } = await session('def test_x():\n    pass\n', ['SQLAlchemy', 'qlf-no-such-distribution']);
    expect(imported!.tested.packages.sqlalchemy).toBeUndefined();
    expect(imported!.installed.sqlalchemy).toMatch(/^\d+\.\d+/);
    expect(imported!.installed['qlf-no-such-distribution']).toBeNull();
  });

  it('reads nothing when the session never wrote its record', async () => {
    const dir = await mkdtemp(join(root, 'empty-'));
    expect(await captureImportedVersions(dir).read()).toBeUndefined();
  });

  it('puts the plugin folder first on PYTHONPATH and keeps the one given', () => {
    const { env, args } = captureImportedVersions('/tmp/x', ['b', 'a', 'b'], '/srv/lib');
    expect(args).toEqual(['-p', 'qlf_imported_versions']);
    expect(env.PYTHONPATH).toMatch(/executors[/\\]verify[/\\]python[:;]\/srv\/lib$/);
    expect(env.QLF_PINNED_DISTRIBUTIONS).toBe('a,b');
  });
});

describe('parseImportedVersions', () => {
  it.each([
    ['not JSON', '{'],
    ['not the record', '{"python": 3}'],
  ])('refuses %s', (_, text) => {
    expect(parseImportedVersions(text)).toBeUndefined();
  });

  it('sorts the packages so the report is byte-stable', () => {
    const parsed = parseImportedVersions('{"python":"3.11.2","packages":{"b":"2","a":"1"},"installed":{"z":null}}');
    expect(JSON.stringify(parsed)).toBe(
      '{"tested":{"python":"3.11.2","packages":{"a":"1","b":"2"}},"installed":{"z":null}}',
    );
  });
});

describe('mergeTestedVersions', () => {
  it('unites two runs, the first one winning a conflict', () => {
    const first = { python: '3.11.2', packages: { psycopg: '3.1.7', fastapi: '0.92.0' } };
    const next = { python: '3.11.2', packages: { pymysql: '1.0.2', fastapi: '9.9.9' } };
    expect(mergeTestedVersions(undefined, next)).toBe(next);
    expect(mergeTestedVersions(first, next)).toEqual({
      python: '3.11.2',
      packages: { fastapi: '0.92.0', psycopg: '3.1.7', pymysql: '1.0.2' },
    });
  });
});
