// Everything the CLI prints goes through here: colour only on a TTY without NO_COLOR, JSON on stdout, messages on stderr.
import { formatLocation, type QlfError, type QlfIssue } from '../core/errors.js';

export interface Output {
  readonly color: boolean;
  readonly isTTY: boolean;
  /** Human output (stdout). */
  print(text: string): void;
  /** Diagnostics (stderr). */
  info(text: string): void;
  json(value: unknown): void;
  style: Record<'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', (text: string) => string>;
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

export function createOutput(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Output {
  const isTTY = Boolean(stdout.isTTY);
  const color = isTTY && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb' && !env.CI;
  const paint = (open: number, close: number) => (text: string) =>
    color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  const style = Object.fromEntries(
    Object.entries(codes).map(([name, [open, close]]) => [name, paint(open, close)]),
  ) as Output['style'];
  return {
    color,
    isTTY,
    style,
    print: (text) => stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    info: (text) => stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    json: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

export function formatIssue(issue: QlfIssue, out: Output): string {
  const where = formatLocation(issue);
  const severity = issue.severity === 'warning' ? out.style.yellow('warning') : out.style.red('error');
  const lines = [`${where ? `${out.style.bold(where)}: ` : ''}${severity} ${issue.code}: ${issue.message}`];
  if (issue.hint) lines.push(`  fix: ${issue.hint}`);
  return lines.join('\n');
}

export function formatError(error: QlfError, out: Output): string {
  if (error.issues.length > 0) return error.issues.map((issue) => formatIssue(issue, out)).join('\n');
  const lines = [`${out.style.red('error')} ${error.code}: ${error.message}`];
  if (error.hint) lines.push(`  fix: ${error.hint}`);
  return lines.join('\n');
}
