// Starts a generated app with uvicorn on a free loopback port, waits for /health, and always stops it; the server dies
// with us too, even when we are killed (core/death-signal.ts, core/group-reaper.ts).
import { createServer } from 'node:net';
import { execa } from 'execa';
import { tiedCommand } from '../../../core/death-signal.js';
import { reapGroupWithChild } from '../../../core/group-reaper.js';
import { tail } from './process.js';

/** A free TCP port on 127.0.0.1 (the OS picks it; the tiny race with another process is retried by the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface RunningApp {
  baseUrl: string;
  stop(): Promise<void>;
}

export class AppStartError extends Error {}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Runs `python -m uvicorn <module>` in `cwd`; resolves once GET /health answers 2xx. Throws AppStartError (with the
 * server's last output) when the process exits or `startTimeoutMs` passes first; the process is stopped in both cases.
 */
export async function startApp(options: {
  python: string;
  cwd: string;
  env: Record<string, string>;
  module?: string;
  startTimeoutMs: number;
  /** Hard limit on the server's whole life, so a forgotten stop() still ends it. */
  lifetimeMs: number;
}): Promise<RunningApp> {
  const port = await freePort();
  const args = ['-m', 'uvicorn', options.module ?? 'app.main:app', '--host', '127.0.0.1', '--port', String(port)];
  const command = tiedCommand(options.python, args, options);
  const child = execa(command.file, command.args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    all: true,
    timeout: options.lifetimeMs,
    forceKillAfterDelay: 2_000,
    // Its own process group, killed when it exits or we end; execa's `cleanup` does not apply to a detached child.
    detached: true,
  });
  reapGroupWithChild(child);
  let exited = false;
  const done = child.then(() => {
    exited = true;
  });
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([done, sleep(5_000)]);
    if (!exited) child.kill('SIGKILL');
    await done;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + options.startTimeoutMs;
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return { baseUrl, stop };
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  await stop();
  const output = tail(String((await child).all ?? ''), 12);
  const why = exited ? 'the app exited before answering' : `no answer within ${options.startTimeoutMs} ms`;
  throw new AppStartError(`${why} on ${baseUrl}/health\n${output}`);
}
