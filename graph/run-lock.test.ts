// The run lock across processes, through the built dist/ (`npm run build` first): a lock naming a dead process is taken
// over by exactly one of the runs racing for it, trial after trial.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import { acquireRunLock } from './run-lock.js';

const built = packagePath('dist', 'graph', 'run-lock.js');
if (!existsSync(built)) console.warn('skipped: dist/graph/run-lock.js is missing; run `npm run build`');

const CONTENDERS = 5;
const TRIALS = 24;
const STEP_MS = 150;
const HOLD_MS = 15;

// One contender: for each trial, waits for the shared start time, takes that trial's lock, and checks that nobody else
// is inside (an `inside` file created exclusively) while it holds it.
const CONTENDER = `
import { open, rm, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
const [moduleUrl, dir, trials, goAt, stepMs, holdMs] = process.argv.slice(1);
const { acquireRunLock } = await import(moduleUrl);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
for (let trial = 0; trial < Number(trials); trial++) {
  const go = Number(goAt) + trial * Number(stepMs);
  if (go - Date.now() > 5) await sleep(go - Date.now() - 5);
  while (Date.now() < go) {}
  const trialDir = join(dir, 'trial-' + trial);
  const lock = await acquireRunLock(join(trialDir, 'run.lock'), { pollMs: 5 });
  const inside = join(trialDir, 'inside');
  try {
    await (await open(inside, 'wx')).close();
    await sleep(Number(holdMs));
    await rm(inside);
  } catch {
    await appendFile(join(dir, 'clashes'), trial + ' ' + process.pid + '\\n');
  }
  await lock.release();
}
`;

/** A pid that was just alive and is no more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-run-lock-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(built))('run lock', () => {
  it('a lock naming a dead process is taken over by one racing run at a time', { timeout: 60_000 }, async () => {
    const race = join(dir, 'race');
    for (let trial = 0; trial < TRIALS; trial++) {
      await mkdir(join(race, `trial-${trial}`), { recursive: true });
      // Half the trials hold an older qlf's lock (the pid alone), half this one's (pid, start time, generation).
      const pid = deadPid();
      const text = trial % 2 === 0 ? `${pid}\n` : `${pid} 1 0123456789abcdef\n`;
      await writeFile(join(race, `trial-${trial}`, 'run.lock'), text);
    }
    // Every contender has started (and imported the module) by then.
    const goAt = Date.now() + 3_000;
    const args = [pathToFileURL(built).href, race, String(TRIALS), String(goAt), String(STEP_MS), String(HOLD_MS)];
    const exits = Array.from({ length: CONTENDERS }, () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, ...args], { stdio: 'inherit' });
      return new Promise<number | null>((resolve) => child.on('exit', resolve));
    });
    expect(await Promise.all(exits)).toEqual(Array(CONTENDERS).fill(0));
    expect(await readFile(join(race, 'clashes'), 'utf8').catch(() => '')).toBe('');
    for (let trial = 0; trial < TRIALS; trial++) {
      expect(existsSync(join(race, `trial-${trial}`, 'run.lock')), `trial ${trial}`).toBe(false);
    }
  });

  it('waits while another live process holds the lock, then takes it', async () => {
    const file = join(dir, 'live', 'run.lock');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { acquireRunLock } = await import(process.argv[1]);
const lock = await acquireRunLock(process.argv[2]);
console.log('held');
await new Promise((resolve) => setTimeout(resolve, 600));
await lock.release();`,
        pathToFileURL(built).href,
        file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const held = Date.now();
    let waitedFor = '';
    const lock = await acquireRunLock(file, { onWait: (pid) => (waitedFor = pid), pollMs: 20 });
    expect(waitedFor).toBe(String(holder.pid));
    expect(Date.now() - held).toBeGreaterThanOrEqual(500);
    await lock.release();
    expect(existsSync(file)).toBe(false);
    expect(await exited).toBe(0);
  });
});
