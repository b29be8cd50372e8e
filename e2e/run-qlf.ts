// The built `qlf` command as the end-to-end tests run it: a child process in CI mode without colours, like a user's CI.
import { spawn, spawnSync } from 'node:child_process';
import { packagePath } from '../core/package-info.js';

/** One task of `qlf run --json`, as the tests read it. */
export type TaskReport = { id: string; status: string; cache: string | null; hash: string };

export interface QlfResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `qlf <args>` in `cwd` to its end; `env` adds to (or overrides) this process's environment. */
export function runQlf(
  cwd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): QlfResult {
  const result = spawnSync(process.execPath, [packagePath('bin', 'qlf.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1', ...options.env },
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `runQlf` without blocking this process: for tests whose servers (a loopback provider, a registry) run in the test
 * process itself and must answer while qlf runs.
 */
export function runQlfAsync(
  cwd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<QlfResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [packagePath('bin', 'qlf.js'), ...args], {
      cwd,
      env: { ...process.env, CI: '1', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
