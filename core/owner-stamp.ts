// Which process made a temp file, folder or lock: `p<pid>t<start>` in its name or text, so a later run can tell what a
// killed run left behind from the work of a live one. The start time (clock ticks after boot, field 22 of
// /proc/<pid>/stat) tells a reused pid apart; where there is no /proc it is 0 and the pid alone decides.
import { readFileSync } from 'node:fs';

export interface Owner {
  pid: number;
  /** Start time of the process as /proc shows it, `0` when unknown. */
  start: string;
}

/** Matches a stamp inside a name; group 1 is the pid, group 2 the start time. */
export const STAMP_PATTERN = 'p(\\d+)t(\\d+)';

/** State (field 3) and start time (field 22) of a process, or undefined without /proc or when it is gone. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so count fields after the last `)`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return fields[0] && start && /^\d+$/.test(start) ? { state: fields[0], start } : undefined;
  } catch {
    return undefined;
  }
}

/** Start time of `pid` as /proc shows it, or undefined without /proc or when it is gone. */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.start;
}

let self: Owner | undefined;

/** This process. */
export function currentOwner(): Owner {
  self ??= { pid: process.pid, start: processStartTime(process.pid) ?? '0' };
  return self;
}

/** `p<pid>t<start>` of this process, for names of what it creates. */
export function ownerStamp(owner: Owner = currentOwner()): string {
  return `p${owner.pid}t${owner.start}`;
}

/** The owner stamped into `name`, if any. */
export function stampedOwner(name: string): Owner | undefined {
  const match = new RegExp(STAMP_PATTERN).exec(name);
  return match ? { pid: Number(match[1]), start: match[2] as string } : undefined;
}

/**
 * Whether `owner` may still be running: its pid exists, is no zombie, and (when both are known) started at the recorded
 * time. A pid of another pid namespace or machine looks dead here: temp files and locks assume one machine per workspace.
 */
export function ownerAlive(owner: Owner): boolean {
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStat(owner.pid);
  if (!now) return true;
  if (now.state === 'Z' || now.state === 'X') return false;
  return owner.start === '0' || now.start === owner.start;
}
