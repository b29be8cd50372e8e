// CPU time this process spends, for tests that bound how much work something does ("stays linear", "never hangs").
// Wall time would fail them on a machine that other processes keep busy; CPU time does not, and a runaway regex or
// an unbounded parse still does.

/** Milliseconds of CPU (user + system) this process used since `since` (a `process.cpuUsage()` reading). */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}
