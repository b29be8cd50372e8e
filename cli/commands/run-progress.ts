// Progress for `qlf run` in the style of Nx/Turborepo: a live task list redrawn in place on a TTY, plain lines when not
// a TTY or under CI, and a summary at the end. The engine only emits events; all printing is here.
import type { RunEvent, RunTotals, TaskResult } from '../../graph/index.js';
import { formatIssue, type Output } from '../output.js';

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** ` (1 skipped)` after a task that finished with checks it could not run. */
function skipNote(result: TaskResult, out: Output): string {
  const count = result.skips?.length ?? 0;
  return count > 0 ? ` ${out.style.yellow(`(${count} skipped)`)}` : '';
}

function endLine(result: TaskResult, out: Output): string {
  const { style } = out;
  switch (result.status) {
    case 'success':
      return `${style.green('✔')} ${result.id} ${style.dim(formatMs(result.durationMs))}${skipNote(result, out)}`;
    case 'cached':
      return `${style.green('✔')} ${result.id} ${style.cyan(result.cache === 'remote' ? 'cached (remote)' : 'cached')} ${style.dim(`(saved ${formatMs(result.savedMs)})`)}${skipNote(result, out)}`;
    case 'failed':
      return `${style.red('✖')} ${result.id} ${style.red('failed')} ${style.dim(formatMs(result.durationMs))}`;
    default:
      return `${style.yellow('-')} ${result.id} ${style.dim(result.error ?? 'skipped')}`;
  }
}

export interface Progress {
  onEvent(event: RunEvent): void;
  stop(): void;
}

/**
 * `live`: redraw the running tasks below the finished ones (TTY, not CI). Otherwise one line per finished task.
 * Lines go to `write` (stdout normally, stderr under --json).
 */
export function createProgress(
  out: Output,
  options: { live: boolean; write: (text: string) => void; verbose?: boolean },
): Progress {
  const running = new Map<string, number>();
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const clear = () => (drawn > 0 ? `\u001b[${drawn}A\u001b[J` : '');
  const redraw = (permanent: string[] = []) => {
    const now = Date.now();
    const live = [...running].map(
      ([id, since]) =>
        `${out.style.cyan(frames[frame % frames.length] as string)} ${id} ${out.style.dim(formatMs(now - since))}`,
    );
    const text = [...permanent, ...live];
    const prefix = clear();
    drawn = live.length;
    if (text.length > 0) options.write(`${prefix}${text.join('\n')}`);
    else if (prefix) options.write(prefix.replace(/\n$/, ''));
  };
  const details = (result: TaskResult): string[] => {
    const lines: string[] = [];
    if (result.status === 'failed') {
      if (result.terminalOutput) lines.push(...result.terminalOutput.split('\n').map((l) => `    ${l}`));
      lines.push(
        `    ${out.style.red(result.errorCode ? `${result.errorCode}: ` : '')}${(result.error ?? '').replaceAll('\n', '\n    ')}`,
      );
      for (const issue of result.issues ?? [])
        lines.push(
          ...formatIssue(issue, out)
            .split('\n')
            .map((l) => `      ${l}`),
        );
      if (result.hint) lines.push(`    fix: ${result.hint}`);
    } else if (options.verbose && result.terminalOutput) {
      lines.push(...result.terminalOutput.split('\n').map((l) => `    ${out.style.dim(l)}`));
    } else {
      // A check that did not run is never hidden behind a tick.
      for (const skip of result.skips ?? [])
        lines.push(`    ${out.style.yellow(`skipped: ${skip.check} (${skip.reason})`)}`);
    }
    if (!options.verbose || result.status === 'failed') {
      for (const warning of result.warnings ?? []) lines.push(`    ${out.style.yellow(`warning: ${warning}`)}`);
    }
    return lines;
  };
  return {
    onEvent(event) {
      if (event.type === 'run:wait-lock') {
        options.write(out.style.dim(`waiting for another qlf run in this workspace (pid ${event.holder})...`));
      } else if (event.type === 'task:start') {
        running.set(event.id, Date.now());
        if (options.live) {
          redraw();
          timer ??= setInterval(() => {
            frame++;
            redraw();
          }, 120);
          timer.unref();
        }
      } else if (event.type === 'task:retry') {
        const line = out.style.yellow(
          `↻ ${event.id} retry ${event.attempt} in ${formatMs(event.delayMs)}: ${event.error}`,
        );
        if (options.live) redraw([line]);
        else options.write(line);
      } else if (event.type === 'run:warning') {
        const lines = [out.style.yellow(`⚠ ${event.message}`), ...(event.hint ? [`  fix: ${event.hint}`] : [])];
        if (options.live) redraw(lines);
        else options.write(lines.join('\n'));
      } else if (event.type === 'task:end') {
        running.delete(event.result.id);
        const lines = [endLine(event.result, out), ...details(event.result)];
        if (options.live) redraw(lines);
        else options.write(lines.join('\n'));
      } else if (event.type === 'run:end') {
        this.stop();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (options.live && drawn > 0) {
        options.write(clear().replace(/\n$/, ''));
        drawn = 0;
      }
    },
  };
}

export function formatSummary(totals: RunTotals, out: Output, interrupted: boolean): string {
  const { style } = out;
  const ran = totals.success + totals.failed;
  const parts = [
    `${totals.tasks} tasks`,
    `${ran} run`,
    style.cyan(`${totals.cached} cached${totals.remoteCached > 0 ? ` (${totals.remoteCached} remote)` : ''}`),
    totals.failed > 0 ? style.red(`${totals.failed} failed`) : `${totals.failed} failed`,
    totals.skipped > 0 ? style.yellow(`${totals.skipped} skipped`) : `${totals.skipped} skipped`,
  ];
  if (totals.skippedChecks > 0) parts.push(style.yellow(`${totals.skippedChecks} checks skipped (listed above)`));
  const lines = [
    '',
    `${style.bold(' Tasks:')} ${parts.join(', ')}`,
    `${style.bold('  Time:')} ${formatMs(totals.durationMs)}${totals.savedMs > 0 ? style.dim(` (saved ${formatMs(totals.savedMs)} by the cache)`) : ''}`,
  ];
  if (totals.tasks > 0 && totals.cached === totals.tasks) lines.push(style.cyan(' >>> FULL CACHE'));
  if (interrupted) lines.push(style.yellow(' Interrupted.'));
  return lines.join('\n');
}
