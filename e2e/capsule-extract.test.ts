// `qlf capsule extract` as a user runs it: a capsule that expands to 240 MiB extracts in bounded memory, and every
// unusable target (a file system that refuses folders, a file, a dangling symlink) is a coded error, not a stack trace
// or a hang.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import { type SampleCapsule, writeSampleCapsule } from '../executors/package/fixtures/sample-capsule.js';
import { runQlf } from './run-qlf.js';

const built = existsSync(packagePath('dist', 'cli', 'bin.js'));
if (!built) console.warn('skipped: capsule extract end to end (dist/ is missing: run `npm run build`)');

const ZERO_FILES = 4;
const ZERO_BYTES = 60 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'qlf-e2e-extract-'));
let sample: SampleCapsule;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the built qlf in a child that reports its peak resident set size (kB) on stderr as it exits: VmHWM, which
 * starts afresh with the child's own memory (getrusage's maxRSS would carry over this test process's peak on Linux).
 */
function qlfWithPeakRss(args: string[]) {
  const bin = packagePath('bin', 'qlf.js');
  const wrapper = [
    "import { readFileSync } from 'node:fs';",
    'const peak = () => {',
    "  try { return /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]; }",
    '  catch { return process.resourceUsage().maxRSS; }',
    '};',
    "process.on('exit', () => process.stderr.write('\\nmaxrss-kb=' + peak() + '\\n'));",
    `process.argv.splice(1, 0, ${JSON.stringify(bin)});`,
    `await import(${JSON.stringify(pathToFileURL(bin).href)});`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', wrapper, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
    timeout: 120_000,
  });
  const peak = Number(/maxrss-kb=(\d+)/.exec(result.stderr)?.[1]);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, peakMiB: peak / 1024 };
}

describe.skipIf(!built)('qlf capsule extract', () => {
  beforeAll(async () => {
    sample = await writeSampleCapsule(dir, {
      addFiles: (serviceDir) => {
        const zeros = new Uint8Array(ZERO_BYTES);
        for (let i = 0; i < ZERO_FILES; i++) writeFileSync(join(serviceDir, `zeros-${i}.bin`), zeros);
      },
    });
  });

  it('verifies and extracts a capsule of 4 × 60 MiB of zeros in bounded memory', { timeout: 120_000 }, () => {
    expect(sample.capsule.length).toBeLessThan(1024 * 1024);
    const out = join(dir, 'zeros');
    const result = qlfWithPeakRss(['capsule', 'extract', sample.path, out]);
    expect(result.code, result.stderr).toBe(0);
    for (let i = 0; i < ZERO_FILES; i++) expect(statSync(join(out, `source/zeros-${i}.bin`)).size).toBe(ZERO_BYTES);
    console.info(`extracting ${ZERO_FILES} × 60 MiB of zeros: peak RSS ${result.peakMiB.toFixed(0)} MiB`);
    expect(result.peakMiB).toBeGreaterThan(0);
    expect(result.peakMiB).toBeLessThan(200);
    rmSync(out, { recursive: true });
  });

  it.runIf(existsSync('/proc/self'))('fails quickly on a file system that refuses new folders (/proc)', () => {
    const started = Date.now();
    const result = runQlf(dir, ['capsule', 'extract', sample.path, '/proc/nope'], { timeoutMs: 20_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/error E_EXTRACT_TARGET: cannot create \/proc\/nope: .*\(ENOENT\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('names an existing file or a dangling symlink in the way, without a stack trace', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    await mkdir(join(dir, 'real'));
    const cases: [string, RegExp][] = [
      ['a-file', /a-file is a file, not a folder/],
      ['a-file/out', /a-file is a file, so .* cannot be created/],
      ['dangling/out', /dangling is a symbolic link to .*nowhere, which does not exist/],
      ['dangling', /dangling is a symbolic link; refusing to extract through it/],
    ];
    for (const [target, message] of cases) {
      const result = runQlf(dir, ['capsule', 'extract', sample.path, target]);
      expect(result.code, `${target}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^error E_EXTRACT_TARGET: /);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/\n {2}fix: /);
      expect(result.stderr).not.toMatch(/E_INTERNAL|\n\s+at /);
    }
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.qlf-tmp'))).toEqual([]);
  });
});
