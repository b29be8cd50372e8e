// Kills what our children started (uvicorn run by a test, a reloader's server) when we end, however we end. The death
// signal (core/death-signal.ts) reaches only a direct child, so each child runs in its own process group and a small
// watchdog shell, told each group's id through a pipe only this process holds, kills every group still listed when
// that pipe closes: when the thread that started it ends, or the process dies, even by SIGKILL.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

// Ignores the signals a Ctrl-C or an interrupted run sends to every descendant: it must outlive them to do its job.
const WATCHDOG = `trap '' INT TERM HUP
groups=' '
while IFS= read -r line; do
  case $line in
    +*) groups="$groups\${line#+} " ;;
    -*) case $groups in *" \${line#-} "*) groups="\${groups%% \${line#-} *} \${groups#* \${line#-} }" ;; esac ;;
  esac
done
for group in $groups; do kill -9 -"$group" 2>/dev/null; done
`;

const groups = new Set<number>();
let watchdog: ChildProcess | undefined;

function tell(line: string): void {
  const stdin = watchdog?.stdin;
  if (!watchdog || !stdin || stdin.destroyed || watchdog.exitCode !== null || watchdog.signalCode !== null) {
    watchdog = startWatchdog();
    return;
  }
  stdin.write(`${line}\n`);
}

/** Starts the watchdog and tells it every group still listed (all of them, when it replaces one that died). */
function startWatchdog(): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    // Detached: its own session, so no terminal signal reaches it and no group we kill contains it.
    const child = spawn('/bin/sh', ['-c', WATCHDOG], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as { unref?: () => void } | null)?.unref?.();
    if (groups.size > 0) child.stdin?.write([...groups].map((group) => `+${group}\n`).join(''));
    return child;
  } catch {
    return undefined;
  }
}

function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/**
 * Ties the process group of `child` (spawned with `detached: true`, so it leads its own group) to this process: the
 * group is killed when `child` exits (nothing it started may outlive it) and when this thread or process ends.
 */
export function reapGroupWithChild(child: ChildProcess): void {
  const group = child.pid;
  if (group === undefined || process.platform === 'win32') return;
  groups.add(group);
  tell(`+${group}`);
  child.once('exit', () => {
    killGroup(group);
    groups.delete(group);
    tell(`-${group}`);
  });
}
