import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sweepDeadRuns } from './dead-run-sweep.js';
import { ownedTempDir } from './owned-temp.js';
import { ownerStamp } from './owner-stamp.js';

let base = '';
let count = 0;
// A pid that was just alive and is no more, stamped with a start time it never had.
const deadPid = Number(
  spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim(),
);
const dead = `p${deadPid}t1`;
const mine = ownerStamp();

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'qlf-sweep-test-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

/** A workspace and a private OS temp folder holding `paths` (a trailing `/` makes a folder). */
async function layout(paths: string[]): Promise<{ root: string; temp: string; has: (path: string) => boolean }> {
  const root = join(base, `ws-${++count}`);
  const temp = join(root, 'os-tmp');
  for (const path of paths) {
    const full = join(root, path);
    if (path.endsWith('/')) await mkdir(full, { recursive: true });
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, 'x');
    }
  }
  await mkdir(temp, { recursive: true });
  vi.stubEnv('TMPDIR', temp);
  return { root, temp, has: (path) => existsSync(join(root, path)) };
}

const places = (root: string) => ({
  root,
  outDir: join(root, 'dist', 'qlf'),
  cacheDir: join(root, '.qlf', 'cache'),
  serviceDirs: [join(root, 'briefs', 'a', 'service')],
});

describe('sweeping what dead runs left', () => {
  it('removes the temp folders of dead processes only, and the siblings they left when a run died', async () => {
    const ws = await layout([
      `.qlf/tmp/run-${dead}-0a0a/tasks/x`,
      `.qlf/tmp/run-${mine}-0b0b/`,
      `.qlf/tmp/stage-${deadPid}-0c0c/`,
      `.qlf/tmp/run-${process.ppid}-0d0d/`,
      `.qlf/cache/tmp/${deadPid}-0e0e/entry`,
      `.qlf/cache/tmp/${process.pid}-0f0f/entry`,
      `.qlf/base/a/.${dead}-1a1a.qlf-tmp/app/main.py`,
      `.qlf/published/.${dead}-1b1b.qlf-tmp`,
      `dist/qlf/a/.${dead}-1c1c.qlf-tmp`,
      `dist/qlf/a/.${mine}-1d1d.qlf-tmp`,
      'dist/qlf/a/.0123456789ab.qlf-tmp',
      'dist/qlf/a/.ba9876543210.qlf-tmp',
      'dist/qlf/a/service/app/main.py',
      `briefs/a/service/app/.${dead}-1e1e.qlf-tmp`,
      `briefs/a/service/node_modules/.${dead}-1f1f.qlf-tmp`,
      'briefs/a/service/app/main.py',
    ]);
    const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(ws.root, 'dist/qlf/a/.ba9876543210.qlf-tmp'), hourAgo, hourAgo);
    await mkdir(join(ws.temp, `qlf-verify-${dead}-AbCdEf`));
    await mkdir(join(ws.temp, `qlf-verify-sqlite-${dead}-AbCdEf`));
    await mkdir(join(ws.temp, 'qlf-verify-AbCdEf'));
    const live = await ownedTempDir('verify');

    const removed = await sweepDeadRuns(places(ws.root));

    expect(removed).toHaveLength(10);
    for (const gone of [
      `.qlf/tmp/run-${dead}-0a0a`,
      `.qlf/tmp/stage-${deadPid}-0c0c`,
      `.qlf/cache/tmp/${deadPid}-0e0e`,
      `.qlf/base/a/.${dead}-1a1a.qlf-tmp`,
      `.qlf/published/.${dead}-1b1b.qlf-tmp`,
      `dist/qlf/a/.${dead}-1c1c.qlf-tmp`,
      'dist/qlf/a/.ba9876543210.qlf-tmp',
      `briefs/a/service/app/.${dead}-1e1e.qlf-tmp`,
      `os-tmp/qlf-verify-${dead}-AbCdEf`,
      `os-tmp/qlf-verify-sqlite-${dead}-AbCdEf`,
    ]) {
      expect(ws.has(gone), gone).toBe(false);
    }
    for (const kept of [
      `.qlf/tmp/run-${mine}-0b0b`,
      `.qlf/tmp/run-${process.ppid}-0d0d`,
      `.qlf/cache/tmp/${process.pid}-0f0f`,
      `dist/qlf/a/.${mine}-1d1d.qlf-tmp`,
      'dist/qlf/a/.0123456789ab.qlf-tmp',
      'dist/qlf/a/service/app/main.py',
      `briefs/a/service/node_modules/.${dead}-1f1f.qlf-tmp`,
      'briefs/a/service/app/main.py',
      'os-tmp/qlf-verify-AbCdEf',
    ]) {
      expect(ws.has(kept), kept).toBe(true);
    }
    expect(existsSync(live)).toBe(true);
  });

  it('leaves the siblings alone while no run folder shows that a run died', async () => {
    const ws = await layout([`.qlf/tmp/run-${mine}-0b0b/`, `dist/qlf/a/.${dead}-1c1c.qlf-tmp`]);
    expect(await sweepDeadRuns(places(ws.root))).toEqual([]);
    expect(ws.has(`dist/qlf/a/.${dead}-1c1c.qlf-tmp`)).toBe(true);
  });
});
