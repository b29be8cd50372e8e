// `qlf … | head -c 1`: a reader that closes the pipe early ends qlf quietly, as it ends any Unix tool, instead of an
// unhandled EPIPE with a stack trace. Node notices the closed pipe on some runs only, so the test runs it many times.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import { type SampleCapsule, writeSampleCapsule } from '../executors/package/fixtures/sample-capsule.js';

const built = existsSync(packagePath('dist', 'cli', 'bin.js'));
if (!built) console.warn('skipped: qlf into a closed pipe (dist/ is missing: run `npm run build`)');

const TRIES = 20;
const dir = mkdtempSync(join(tmpdir(), 'qlf-e2e-epipe-'));
let sample: SampleCapsule;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `qlf <args> | head -c 1` through the shell; returns what qlf wrote on stderr. */
function intoHead(args: string[]) {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, packagePath('bin', 'qlf.js'), ...args].map(quote).join(' ');
  const result = spawnSync('sh', ['-c', `${command} | head -c 1 >/dev/null`], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return result.stderr;
}

describe.skipIf(!built || !existsSync('/bin/sh'))('qlf into a pipe that closes early', () => {
  beforeAll(async () => {
    sample = await writeSampleCapsule(dir);
  });

  it(`ends quietly, every time (${TRIES} tries each)`, { timeout: 120_000 }, () => {
    for (const args of [
      ['capsule', 'inspect', sample.path],
      ['capsule', 'verify', sample.path],
    ]) {
      const noisy: string[] = [];
      for (let i = 0; i < TRIES; i++) {
        const stderr = intoHead(args);
        if (stderr !== '') noisy.push(stderr);
      }
      expect(noisy, `${args.join(' ')}: ${noisy[0]}`).toEqual([]);
    }
  });
});
