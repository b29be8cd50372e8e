// Runs one child process and measures it: wall time (hrtime) and peak RSS (GNU time's %M when present, else the
// child's own `process.resourceUsage().maxRSS` reported by a small preload wrapper).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  wallMs: number;
  /** Peak resident set size in MiB, or undefined when it could not be measured. */
  peakRssMiB?: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** A preload that writes the process's peak RSS (KiB) to a file on exit: the fallback without GNU time. */
function rssPreload(dir: string, out: string): string {
  const file = join(dir, 'rss-preload.cjs');
  writeFileSync(
    file,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  return file;
}

/** Runs `command args` in `cwd` and measures it; never throws for a non-zero exit. */
export async function measure(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'qlf-measure-'));
  const rssFile = join(dir, 'rss');
  const gnu = existsSync(GNU_TIME);
  const env = { ...process.env, ...options.env };
  let argv = [command, ...args];
  if (gnu) argv = [GNU_TIME, '-f', '%M', '-o', rssFile, ...argv];
  else if (command === process.execPath)
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${rssPreload(dir, rssFile)}`;
  // Output goes to files, not pipes: a program that calls process.exit() with writes pending on a pipe loses the rest
  // of its output (Nx does, past ~64 KiB of task logs), and the checks below count what it printed.
  const outFile = join(dir, 'stdout');
  const errFile = join(dir, 'stderr');
  const outFd = openSync(outFile, 'w');
  const errFd = openSync(errFile, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(argv[0] as string, argv.slice(1), { cwd: options.cwd, env, stdio: ['ignore', outFd, errFd] });
  closeSync(outFd);
  closeSync(errFd);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  clearTimeout(timer);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  let peakRssMiB: number | undefined;
  try {
    const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kib) && kib > 0) peakRssMiB = kib / 1024;
  } catch {
    peakRssMiB = undefined;
  }
  const stdout = readFileSync(outFile, 'utf8');
  const stderr = readFileSync(errFile, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  return { wallMs, peakRssMiB, exitCode, stdout, stderr };
}
