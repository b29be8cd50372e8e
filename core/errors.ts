// Coded errors and located issues: libraries throw or return these; only the CLI prints them and picks the exit code.

/** A problem with a place: every validator returns a list of these so the user sees every problem at once. */
export interface QlfIssue {
  /** Stable code, e.g. `E_BRIEF_SCHEMA`. */
  code: string;
  /** What is wrong, naming the option and the bad value. */
  message: string;
  /** File the problem is in, relative to the workspace when possible. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Path inside the document, e.g. `entities[0].fields[2].type`. */
  path?: string;
  /** What to do about it. */
  hint?: string;
  severity?: 'error' | 'warning';
}

/** Whether an error is the user's input (exit 2) or failed work (exit 1). */
export type QlfErrorKind = 'input' | 'work';

export class QlfError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly kind: QlfErrorKind;
  readonly issues: QlfIssue[];

  constructor(
    code: string,
    message: string,
    options: { hint?: string; kind?: QlfErrorKind; issues?: QlfIssue[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QlfError';
    this.code = code;
    this.hint = options.hint;
    this.kind = options.kind ?? 'input';
    this.issues = options.issues ?? [];
  }
}

/** An error caused by what the user gave (exit code 2). */
export function inputError(
  code: string,
  message: string,
  extra: { hint?: string; issues?: QlfIssue[] } = {},
): QlfError {
  return new QlfError(code, message, { ...extra, kind: 'input' });
}

/** An error raised when the work itself failed (exit code 1). */
export function workError(code: string, message: string, extra: { hint?: string; cause?: unknown } = {}): QlfError {
  return new QlfError(code, message, { ...extra, kind: 'work' });
}

export function isQlfError(error: unknown): error is QlfError {
  return error instanceof QlfError;
}

/** `file:line:column` for an issue, or whatever part of it is known. */
export function formatLocation(issue: Pick<QlfIssue, 'file' | 'line' | 'column'>): string {
  if (!issue.file) return '';
  if (issue.line === undefined) return issue.file;
  return `${issue.file}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;
}
