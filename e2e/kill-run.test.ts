// End to end: the built `qlf run --stage verify` killed with SIGKILL at seeded random moments, again and again. Nothing
// it started may outlive it (uvicorn, pytest, anything they started), and the next complete run removes every temp
// folder and half-written file the killed runs left, and publishes exactly what a clean run does.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';

const built = existsSync(packagePath('dist', 'cli', 'commands', 'run.js'));
const example = packagePath('examples', 'payments', 'brief.qlf.yaml');
const reason = !built
  ? 'dist/ is missing: run `npm run build`'
  : !existsSync(example)
    ? 'no examples/payments brief'
    : process.platform !== 'linux'
      ? 'reads /proc'
      : '';
if (reason) console.warn(`skipped: killing qlf run (${reason})`);

const SEED = 0x5eed_2026;
const KILLS = 12;
/** Kills land this long after the start at most: compile, generate, and verify up to its slowest runner (pytest). */
const LATEST_KILL_MS = 14_000;

/** mulberry32: a small seeded generator, so a failing sequence of kills can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Live processes (zombies aside) whose working folder or command line lies under one of `dirs`. */
function processesUnder(dirs: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (dirs.some((dir) => cwd === dir || cwd.startsWith(`${dir}/`) || cmdline.includes(dir))) {
        found.push(`${entry} ${cmdline}`);
      }
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/** Relative path → content digest of every file under `dir` (all of them when `dir` does not exist: none). */
async function treeOf(dir: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    tree[relative(dir, path)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return tree;
}

/** Every `*.qlf-tmp` file or folder under `dir`. */
async function tempSiblings(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.qlf-tmp'));
}

async function settle(check: () => string[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = check();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = check();
  }
  return left;
}

describe.skipIf(reason !== '')('qlf run killed with SIGKILL', () => {
  let root = '';
  let tmp = '';
  let ws = '';
  let clean = '';

  const config = (timeoutMs?: number) =>
    `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], verify: { databases: ['sqlite'], ...(timeoutMs ? { timeoutMs } : {}) } })}\n`;

  /** `qlf run --stage verify` in `cwd`, with the test's own temp folder. */
  const startRun = (cwd: string): { child: ChildProcess; done: Promise<number | null> } => {
    const child = spawn(process.execPath, [packagePath('bin', 'qlf.js'), 'run', '--stage', 'verify'], {
      cwd,
      env: { ...process.env, CI: '1', NO_COLOR: '1', TMPDIR: tmp },
      stdio: 'ignore',
    });
    return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-e2e-kill-'));
    tmp = join(root, 'tmp');
    ws = join(root, 'ws');
    clean = join(root, 'clean');
    for (const dir of [ws, clean]) {
      await cp(example, join(dir, 'briefs', 'payments', 'brief.qlf.yaml'));
      await writeFile(join(dir, 'qlf.config.json'), config());
    }
    await mkdir(tmp);
  });

  afterAll(async () => {
    // Whatever a failing run left must not outlive the test either.
    for (const line of processesUnder([root])) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('leaves no process, no temp folder and no half-written file, and publishes what a clean run does', {
    timeout: 400_000,
  }, async () => {
    const cleanRun = await startRun(clean).done;
    const cleanTemps = await readdir(tmp);

    const next = random(SEED);
    const lingering: number[] = [];
    let kills = 0;
    let midWrite = 0;
    for (let attempt = 0; kills < KILLS && attempt < KILLS * 2; attempt++) {
      // A new verify timeout changes only the verify task's hash: compile and generate come from the cache, verify runs.
      await writeFile(join(ws, 'qlf.config.json'), config(300_001 + attempt));
      // Every fifth run first loses its published outputs and is killed while it writes them back.
      const targeted = attempt % 5 === 2;
      if (targeted) await rm(join(ws, 'dist'), { recursive: true, force: true });
      const run = startRun(ws);
      const delay = 100 + Math.floor(next() * (LATEST_KILL_MS - 100));
      const ended = await Promise.race([
        run.done.then(() => true),
        (targeted ? siblingAppears(join(ws, 'dist', 'qlf', 'payments'), LATEST_KILL_MS) : sleep(delay)).then(
          () => false,
        ),
      ]);
      if (ended) continue;
      run.child.kill('SIGKILL');
      await run.done;
      kills++;
      if (targeted && (await tempSiblings(ws)).length > 0) midWrite++;
      // The kernel kills the direct children at once; the watchdog the groups within moments.
      lingering.push((await settle(() => processesUnder([ws, tmp]), 3_000)).length);
    }
    const leftTemps = await readdir(tmp);
    const leftRuns = await readdir(join(ws, '.qlf', 'tmp')).catch(() => []);
    const leftSiblings = await tempSiblings(ws);

    await writeFile(join(ws, 'qlf.config.json'), config());
    const finalCode = await startRun(ws).done;
    const after = {
      processes: processesUnder([ws, tmp]),
      temps: await readdir(tmp),
      runs: await readdir(join(ws, '.qlf', 'tmp')).catch(() => []),
      siblings: await tempSiblings(ws),
      cacheTemps: await readdir(join(ws, '.qlf', 'cache', 'tmp')).catch(() => []),
    };
    console.log(
      `${kills} kills (${midWrite} while publishing); processes left after each: [${lingering.join(', ')}]; after the kills: ${leftTemps.length} temp ` +
        `folders, ${leftRuns.length} run folders, ${leftSiblings.length} *.qlf-tmp; after the next run: ` +
        `${after.processes.length} processes, ${after.temps.length} temp folders, ${after.runs.length} run folders, ` +
        `${after.siblings.length} *.qlf-tmp`,
    );

    expect(cleanRun, 'the clean run ran to its end').not.toBeNull();
    expect(cleanTemps).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(10);
    expect(lingering.filter((count) => count > 0)).toEqual([]);
    expect(finalCode).toBe(cleanRun);
    expect(after).toEqual({ processes: [], temps: [], runs: [], siblings: [], cacheTemps: [] });
    for (const part of ['dist', 'briefs', join('.qlf', 'base')]) {
      expect(await treeOf(join(ws, part)), part).toEqual(await treeOf(join(clean, part)));
    }
  });
});

/** Resolves once a `*.qlf-tmp` entry shows in `dir` (a publish under way), or after `ms`. */
async function siblingAppears(dir: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await readdir(dir).catch(() => [] as string[])).some((name) => name.endsWith('.qlf-tmp'))) return;
    await sleep(2);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
