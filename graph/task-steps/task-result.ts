// A task's result as the steps fill it in: a failure until shown otherwise, what a cache hit replays of the run that
// made it (its output, skips and warnings), and what a failure says.
import type { TaskResult } from '../events.js';
import type { TaskSkip } from '../stage-task.js';
import type { TaskFailure } from '../task-failure.js';
import type { TaskNode } from '../task-graph.js';

/** The result of a task that has not got anywhere yet. */
export function pendingResult(node: TaskNode): TaskResult {
  return {
    id: node.id,
    brief: node.brief,
    stage: node.stage,
    hash: null,
    status: 'failed',
    cache: null,
    durationMs: 0,
    savedMs: 0,
    terminalOutput: '',
    attempts: 0,
  };
}

/** `result` failed for `failure`. */
export function failedResult(result: TaskResult, failure: TaskFailure, durationMs: number): TaskResult {
  return {
    ...result,
    status: 'failed',
    error: failure.message,
    errorCode: failure.code,
    hint: failure.hint,
    issues: failure.issues,
    durationMs,
  };
}

/**
 * What a task printed, with its warnings, and its skips: as the task reported them when it just ran, else read from
 * its output (a cache hit replays that).
 */
export function outputOf(
  terminalOutput: string,
  skips: TaskSkip[] = skipsFromOutput(terminalOutput),
): Pick<TaskResult, 'terminalOutput' | 'skips' | 'warnings'> {
  return { terminalOutput, skips, ...withWarnings(warningsFromOutput(terminalOutput)) };
}

/** A line a person should see even when the task succeeds (`warning: migration drops column …`). */
const WARNING = 'warning: ';

/** The `warning: …` lines of a task's output (its log, or what publishing it said), without the prefix. */
export function warningsFromOutput(terminalOutput: string): string[] {
  return terminalOutput
    .split('\n')
    .filter((line) => line.startsWith(WARNING))
    .map((line) => line.slice(WARNING.length));
}

/** `{ warnings }` when there are any: a result without warnings has no `warnings` field. */
function withWarnings(warnings: string[]): { warnings?: string[] } {
  return warnings.length > 0 ? { warnings } : {};
}

/** The skips a task logged (`skipped: <check> (<reason>)` lines), e.g. replayed from a cache hit's output. */
export function skipsFromOutput(terminalOutput: string): TaskSkip[] {
  const skips: TaskSkip[] = [];
  for (const line of terminalOutput.split('\n')) {
    const match = /^skipped: (\S+) \((.*)\)$/.exec(line);
    if (match) skips.push({ check: match[1] as string, reason: match[2] as string, keyed: true });
  }
  return skips;
}
