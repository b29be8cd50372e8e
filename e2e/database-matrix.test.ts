// Every bundled example, generated as a user would (`qlf run --stage verify`), migrated and tested on each database
// qlf generates for: PostgreSQL and MariaDB on throwaway loopback servers, and SQLite. Strict, so a server that cannot
// start fails the run instead of being skipped.
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import type { VerifyReport } from '../schemas/verify-report.js';
import { runQlf } from './run-qlf.js';

const built = existsSync(packagePath('dist', 'cli', 'commands', 'run.js'));
const EXAMPLES = readdirSync(packagePath('examples')).filter((name) =>
  existsSync(packagePath('examples', name, 'brief.qlf.yaml')),
);
const DATABASES = ['postgresql', 'mysql', 'sqlite'] as const;
if (!built) console.warn('skipped: the database matrix (dist/ is missing: run `npm run build`)');

describe.skipIf(!built)('every example on every database', () => {
  let root = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-e2e-databases-'));
    await cp(packagePath('examples'), join(root, 'examples'), {
      recursive: true,
      filter: (source) => !source.split('/').includes('service'),
    });
    const config = { briefs: ['examples/*/brief.qlf.yaml'], verify: { databases: DATABASES } };
    await writeFile(join(root, 'qlf.config.json'), `${JSON.stringify(config)}\n`);
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('migrates up, down and up again, matches the models, and passes the suite on each', {
    timeout: 900_000,
  }, async () => {
    const run = runQlf(root, ['run', '--stage', 'verify'], { timeoutMs: 880_000, env: { QLF_STRICT: '1' } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const name of EXAMPLES) {
      const report = JSON.parse(
        await readFile(join(root, 'dist/qlf', name, 'verify/report.json'), 'utf8'),
      ) as VerifyReport;
      const runs = report.runners
        .filter((runner) => runner.database !== undefined)
        .map(({ runner, database, status }) => `${runner}[${database}] ${status}`);
      expect(runs, name).toEqual(
        ['migrations', 'pytest'].flatMap((runner) => DATABASES.map((database) => `${runner}[${database}] passed`)),
      );
      const pytest = report.runners.filter((runner) => runner.runner === 'pytest');
      // The same suite ran in full on each database.
      expect(new Set(pytest.map((runner) => runner.stats.passed)).size, name).toBe(1);
      expect(pytest[0]?.stats.passed, name).toBeGreaterThan(10);
      // The revision qlf wrote is in the service, where the team commits it.
      expect(existsSync(join(root, 'examples', name, 'service/migrations/versions/0001_initial.py')), name).toBe(true);
    }
  });
});
