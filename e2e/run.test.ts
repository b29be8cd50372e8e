// End to end: the built `qlf run` on a temp copy of two bundled example briefs, twice; the second run is all cached.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';

const bin = packagePath('bin', 'qlf.js');
const built = existsSync(packagePath('dist', 'cli', 'commands', 'run.js'));
// Two bundled examples where one uses the other, so the run also exercises a `uses` edge.
const PAIR = ['payments', 'orders'];
const examples = PAIR.map((name) => packagePath('examples', name, 'brief.qlf.yaml')).filter((file) => existsSync(file));
const reason = !built
  ? 'dist/ is missing: run `npm run build`'
  : examples.length === 0
    ? 'no examples/ briefs yet'
    : '';
if (reason) console.warn(`skipped: ${reason}`);

function qlfRun(cwd: string) {
  const result = spawnSync(process.execPath, [bin, 'run', '--json'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
    timeout: 110_000,
  });
  return { code: result.status, json: result.stdout ? JSON.parse(result.stdout) : undefined, stderr: result.stderr };
}

describe.skipIf(reason !== '')('qlf run on the examples', () => {
  it('runs every stage, then serves every task from the cache', { timeout: 240_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'qlf-e2e-run-'));
    for (const [index, file] of examples.entries()) {
      await cp(dirname(file), join(root, 'briefs', PAIR[index] as string), { recursive: true });
    }
    await writeFile(join(root, 'qlf.config.json'), `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'] })}\n`);
    try {
      const first = qlfRun(root);
      expect(first.json?.tasks?.filter((t: { status: string }) => t.status !== 'success')).toEqual([]);
      expect(first.code).toBe(0);
      const second = qlfRun(root);
      expect(second.code).toBe(0);
      expect(second.json.totals.cached).toBe(second.json.totals.tasks);
      expect(second.json.tasks.every((t: { cache: string | null }) => t.cache === 'local')).toBe(true);
      expect(second.json.tasks.map((t: { hash: string }) => t.hash)).toEqual(
        first.json.tasks.map((t: { hash: string }) => t.hash),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
