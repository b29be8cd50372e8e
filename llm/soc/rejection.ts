// Why a model's answer broke the strict output contract, and the text that goes back to the model on a repair attempt.
import { QlfError, type QlfIssue } from '../../core/errors.js';
import { maskSecrets } from './secrets.js';

export type SocCode =
  | 'E_SOC_PROSE'
  | 'E_SOC_FENCE'
  | 'E_SOC_TRUNCATED'
  | 'E_SOC_REFUSAL'
  | 'E_SOC_PATH'
  | 'E_SOC_FORBIDDEN'
  | 'E_SOC_FILE_TYPE'
  | 'E_SOC_DUPLICATE'
  | 'E_SOC_SECRET'
  | 'E_SOC_EMPTY'
  | 'E_SOC_TOO_LARGE'
  | 'E_SOC_ENCODING'
  | 'E_SOC_JSON'
  | 'E_SOC_SCHEMA';

/** The rule each code stands for in a file answer, worded for the model: the repair prompt quotes it. */
export const SOC_RULES: Readonly<Record<SocCode, string>> = {
  E_SOC_PROSE:
    'The answer holds only file blocks, blank lines between them, and the done line: no explanation, greeting or summary before, between or after them, and every marker line spelled exactly.',
  E_SOC_FENCE:
    'Do not use Markdown code fences (```): write each file as plain lines between its begin and end markers.',
  E_SOC_TRUNCATED:
    'Close every file with <<<qlf:end>>> and finish the answer with <<<qlf:done>>>; if the answer is long, write fewer or smaller files.',
  E_SOC_REFUSAL: 'Write the requested files; the task is ordinary application code.',
  E_SOC_PATH:
    'A path is relative and POSIX: segments of letters, digits, "_", "." and "-", joined by "/", no "." or ".." segment, no segment ending in ".", no leading "/", no backslash or drive letter, at most 8 segments and 200 characters.',
  E_SOC_FORBIDDEN: 'Write only the paths this task allows; security scaffold files are never yours to change.',
  E_SOC_FILE_TYPE: 'Write only the file types the allowed paths name (for example .py for Python modules).',
  E_SOC_DUPLICATE: 'Each path appears once (paths that differ only in letter case are the same file).',
  E_SOC_SECRET:
    'Never write keys, tokens, passwords or private keys into files: read them from environment variables (os.environ["NAME"]).',
  E_SOC_EMPTY: 'The answer holds at least one file block.',
  E_SOC_TOO_LARGE: 'Stay within the limits on the number of files and their size: split the work or write less.',
  E_SOC_ENCODING:
    'Text is UTF-8 with LF line endings: no carriage return, NUL, other control character except tab, byte order mark, replacement character or bidirectional control character.',
  E_SOC_JSON: 'The answer is exactly one JSON object (RFC 8259), nothing before or after it.',
  E_SOC_SCHEMA: 'The JSON object has exactly the fields and types the task describes.',
};

/** File answers (schemas/soc.abnf `file-answer`) or JSON answers (`answer-json`). */
export type SocAnswerKind = 'files' | 'json';

/** Where a JSON answer's rule reads differently from a file answer's. */
const JSON_RULES: Readonly<Partial<Record<SocCode, string>>> = {
  E_SOC_PROSE: 'Nothing comes before or after the JSON object: no explanation, greeting or summary.',
  E_SOC_FENCE: 'Do not wrap the JSON object in a Markdown code fence (```json).',
  E_SOC_TRUNCATED: 'Finish the JSON object: close every string, array and object; keep the answer short enough to end.',
  E_SOC_REFUSAL: 'Give the requested JSON object; the task is ordinary analysis of a service description.',
  E_SOC_EMPTY: 'The answer is one JSON object.',
  E_SOC_ENCODING:
    'Text is UTF-8: no NUL, control character except tab, CR and LF, byte order mark, replacement character or bidirectional control character.',
};

/** The rule `code` stands for in an answer of `kind`. */
export function socRule(code: SocCode, kind: SocAnswerKind): string {
  return (kind === 'json' ? JSON_RULES[code] : undefined) ?? SOC_RULES[code];
}

/** One thing wrong with an answer, with its place. */
export interface SocProblem {
  code: SocCode;
  /** What is wrong, in words the model can act on. */
  message: string;
  /** 1-based line in the answer. */
  line?: number;
  /** 1-based column in the answer (JSON answers). */
  column?: number;
  /** The file block the problem is in. */
  path?: string;
  /** The offending text; shortened to 200 characters and shown with secrets masked. */
  excerpt?: string;
}

const EXCERPT_MAX = 200;
/** Problems listed in one repair prompt: more would bury the first ones. */
const FEEDBACK_MAX = 10;

/** Makes `text` safe to print and to send back: secrets masked, control characters escaped, at most 200 characters. */
export function toExcerpt(text: string): string {
  // Masked before shortening, so a secret cut in half by the 200-character limit is still found.
  const escaped = maskSecrets(text.slice(0, EXCERPT_MAX * 5)).replace(
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length <= EXCERPT_MAX ? escaped : `${escaped.slice(0, EXCERPT_MAX - 1)}…`;
}

function place(problem: SocProblem): string {
  const parts: string[] = [];
  if (problem.line !== undefined) {
    parts.push(`line ${problem.line}${problem.column === undefined ? '' : `, column ${problem.column}`}`);
  }
  if (problem.path !== undefined) parts.push(`file ${problem.path}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

const FILE_FORM = [
  'Answer again following the contract exactly: each file as',
  '<<<qlf:file path="RELATIVE/PATH">>>',
  '...the file content, line by line...',
  '<<<qlf:end>>>',
  'then <<<qlf:done>>> as the last line, and nothing else.',
].join('\n');
const JSON_FORM = 'Answer again following the contract exactly: one JSON object and nothing else.';

export class SocRejection extends QlfError {
  override readonly code: SocCode;
  readonly line?: number;
  readonly excerpt: string;
  /** Every problem found, the first one (`code`, `line`, `excerpt`) included. */
  readonly problems: readonly SocProblem[];
  /** Which form the repair prompt asks for again. */
  readonly answerKind: SocAnswerKind;

  constructor(problems: SocProblem | readonly SocProblem[], answerKind: SocAnswerKind = 'files') {
    const list = (Array.isArray(problems) ? problems : [problems]) as readonly SocProblem[];
    const first = list[0];
    if (!first) throw new Error('SocRejection needs at least one problem');
    const more = list.length > 1 ? ` (and ${list.length - 1} more problem${list.length > 2 ? 's' : ''})` : '';
    super(first.code, `the model's answer breaks the output contract${place(first)}: ${first.message}${more}`, {
      kind: 'work',
      hint: 'See docs/llm-output-contract.md. Raise llm.maxRepairs, pick another model, or run with --fallback template to keep the template-only service.',
      issues: list.map((p) => toIssue(p, answerKind)),
    });
    this.name = 'SocRejection';
    this.code = first.code;
    if (first.line !== undefined) this.line = first.line;
    this.excerpt = toExcerpt(first.excerpt ?? '');
    this.problems = list.map((p) => (p.excerpt === undefined ? p : { ...p, excerpt: toExcerpt(p.excerpt) }));
    this.answerKind = answerKind;
  }

  /** The text sent back to the model: what was wrong, where, the rule it broke, and how to answer again. */
  feedback(): string {
    const shown = this.problems.slice(0, FEEDBACK_MAX);
    const lines = ['Your answer was rejected: it breaks the output contract.', ''];
    shown.forEach((p, i) => {
      lines.push(`${i + 1}. ${p.code}${place(p)}: ${p.message}`);
      if (p.excerpt) lines.push(`   Offending text: ${p.excerpt}`);
      lines.push(`   Rule: ${socRule(p.code, this.answerKind)}`);
    });
    if (this.problems.length > shown.length) lines.push(`... and ${this.problems.length - shown.length} more.`);
    lines.push('', this.answerKind === 'json' ? JSON_FORM : FILE_FORM);
    return lines.join('\n');
  }
}

function toIssue(problem: SocProblem, kind: SocAnswerKind): QlfIssue {
  // `line` counts lines of the answer, not of the file, so the path goes into the message rather than `file`.
  return {
    code: problem.code,
    message: problem.path === undefined ? problem.message : `${problem.path}: ${problem.message}`,
    ...(problem.line === undefined ? {} : { line: problem.line }),
    ...(problem.column === undefined ? {} : { column: problem.column }),
    hint: socRule(problem.code, kind),
    severity: 'error',
  };
}
