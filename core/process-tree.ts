// The processes this one started, at any depth, so an interrupted run can stop them too, gently first: tasks run in
// worker threads, and ending a thread ends only the children tied to it (core/death-signal.ts), not the others.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of every process, from /proc on Linux, else from `ps`. */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses, so read after the last `)`.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        parents.set(Number(entry), ppid);
      } catch {
        // the process ended while we looked
      }
    }
    if (parents.size > 0) return parents;
  } catch {
    // no /proc: fall through to ps
  }
  const text = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of text.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined && !Number.isNaN(ppid)) parents.set(pid, ppid);
  }
  return parents;
}

/** Pids of every descendant of `root`, children before grandchildren. */
export function descendantPids(root: number = process.pid): number[] {
  let parents: Map<number, number>;
  try {
    parents = parentPids();
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Sends `signal` to every descendant of this process; returns how many were signalled. */
export function signalDescendants(signal: NodeJS.Signals): number {
  let count = 0;
  for (const pid of descendantPids()) {
    try {
      process.kill(pid, signal);
      count++;
    } catch {
      // already gone
    }
  }
  return count;
}
