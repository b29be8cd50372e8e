// Runs a child process with a hard time limit and a minimal environment; never throws for a non-zero exit. The child and
// everything it starts die with it, and with us (core/death-signal.ts, core/group-reaper.ts).
import { execa } from 'execa';
import { tiedCommand } from '../../../core/death-signal.js';
import { reapGroupWithChild } from '../../../core/group-reaper.js';

export interface ProcessResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The program could not be started (not found, not executable). */
  notFound: boolean;
}

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  input?: string;
}

// Only what an interpreter needs to start; the caller's credentials never reach generated code.
const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'PYENV_ROOT', 'PYENV_VERSION', 'SYSTEMROOT', 'VIRTUAL_ENV'];

/** A child environment: the pass-through variables from `base`, then `extra`, with bytecode writing off. */
export function childEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra, PYTHONDONTWRITEBYTECODE: '1' };
}

export async function runProcess(file: string, args: string[], options: ProcessOptions): Promise<ProcessResult> {
  const command = tiedCommand(file, args, options);
  const subprocess = execa(command.file, command.args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs,
    forceKillAfterDelay: 2_000,
    maxBuffer: 64 * 1024 * 1024,
    detached: true,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  reapGroupWithChild(subprocess);
  const result = await subprocess;
  const code = (result as { code?: string }).code;
  return {
    exitCode: result.exitCode,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: result.timedOut,
    notFound: code === 'ENOENT' || code === 'EACCES',
  };
}

/** The last `count` non-empty lines of some output, for a finding's message. */
export function tail(text: string, count = 8): string {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}
