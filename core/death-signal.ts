// Child processes that die with us, even when we are killed with SIGKILL: on Linux `setpriv --pdeathsig=KILL` (util-linux)
// asks the kernel to kill the child when the thread that spawned it ends. Node forks from the thread that calls spawn,
// so for a child spawned in a pool worker that is the worker thread: it lives as long as the task awaiting the child,
// and a worker ended early (an aborted task) takes its children with it. Without setpriv commands run as they are.
import { join, resolve } from 'node:path';
import { isExecutable, pathDirs } from './executables.js';

let setpriv: string | null | undefined;

/** The setpriv program, looked up once on PATH then in /usr/bin and /bin. */
export function findSetpriv(): string | undefined {
  if (setpriv === undefined) {
    const dirs = [...pathDirs(process.env.PATH), '/usr/bin', '/bin'];
    setpriv = dirs.map((dir) => join(dir, 'setpriv')).find(isExecutable) ?? null;
  }
  return setpriv ?? undefined;
}

/** `setpriv <options> --pdeathsig=KILL --`, to put before a command; empty where there is no setpriv. */
export function deathSignalLauncher(options: readonly string[] = []): string[] {
  const program = findSetpriv();
  return program ? [program, ...options, '--pdeathsig=KILL', '--'] : [];
}

/** Whether `file` names a program that can start, looked up as spawn does: a path from `cwd`, a name on `PATH`. */
function canStart(file: string, cwd: string, path: string | undefined): boolean {
  if (file.includes('/')) return isExecutable(resolve(cwd, file));
  return pathDirs(path).some((dir) => isExecutable(resolve(cwd, dir, file)));
}

/**
 * `file args` behind the death-signal launcher. A program that cannot be found is left as it is, so spawning it fails
 * as before (ENOENT) instead of becoming a launcher that exits 127.
 */
export function tiedCommand(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): { file: string; args: string[] } {
  const launcher = deathSignalLauncher();
  const [program, ...before] = launcher;
  if (!program || !canStart(file, options.cwd, options.env.PATH)) return { file, args: [...args] };
  return { file: program, args: [...before, file, ...args] };
}
