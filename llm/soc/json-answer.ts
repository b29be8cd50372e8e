// Accepts a JSON answer (the compile agent's) only when it is exactly one JSON object, surrounded by nothing but
// whitespace, and valid against the task's zod schema.
import type { z } from 'zod';
import { zodIssues } from '../../core/zod-issues.js';
import { findEncodingProblems } from './encoding.js';
import { isFenceLine } from './fences.js';
import { looksLikeRefusal } from './refusal.js';
import { type SocProblem, SocRejection } from './rejection.js';
import { lineAt, positionsOf } from './text-position.js';

/** RFC 8259 `ws`. */
const WS = /[ \t\n\r]/;

function reject(problems: SocProblem | SocProblem[]): SocRejection {
  return new SocRejection(problems, 'json');
}

/** Index of the brace closing the value opened at `start`, skipping strings; undefined when it never closes. */
function valueEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

function firstNonWs(text: string, from = 0): number {
  let i = from;
  while (i < text.length && WS.test(text[i] ?? '')) i++;
  return i;
}

/** A problem at `offset` of `text`, with line, column and the line as excerpt. */
function at(text: string, offset: number, code: SocProblem['code'], message: string): SocProblem {
  const { line, column } = positionsOf(text)(offset);
  return { code, line, column, message, excerpt: lineAt(text, offset) };
}

/** Why `text` before `start` (or all of it, when there is no object) is not just whitespace. */
function outsideProblem(text: string, offset: number, where: 'before' | 'after'): SocProblem {
  const line = lineAt(text, offset);
  if (isFenceLine(line)) return at(text, offset, 'E_SOC_FENCE', `a Markdown fence ${where} the JSON object`);
  return at(text, offset, 'E_SOC_PROSE', `text ${where} the JSON object`);
}

/** A `JSON.parse` error as a problem: an end of input (or a string still open there) means the answer was cut off. */
function syntaxProblem(text: string, start: number, closed: boolean, error: unknown): SocProblem {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined || (!closed && /Unterminated string/.test(message))) {
    return at(text, text.length - 1, 'E_SOC_TRUNCATED', 'the JSON object ends early; the answer was cut off');
  }
  const offset = Math.min(start + Number(position), text.length - 1);
  return at(text, offset, 'E_SOC_JSON', message.replace(/ in JSON at position.*$/, ''));
}

/** Parses `text` as one JSON object valid against `schema`; throws `SocRejection` (JSON form) otherwise. */
export function parseJsonAnswer<T>(text: string, schema: z.ZodType<T>): T {
  const encoding = findEncodingProblems(text, { allowCarriageReturn: true });
  if (encoding.length > 0) throw reject(encoding);
  const start = firstNonWs(text);
  if (start === text.length)
    throw reject({ code: 'E_SOC_EMPTY', line: 1, message: 'the answer is empty', excerpt: '' });
  if (text[start] !== '{') {
    if (looksLikeRefusal(text)) {
      throw reject(at(text, start, 'E_SOC_REFUSAL', 'the answer declines the task instead of giving the JSON object'));
    }
    if (text[start] === '[' || text[start] === '"') {
      throw reject(at(text, start, 'E_SOC_JSON', 'the answer must be a JSON object ({ … }), not another JSON value'));
    }
    throw reject(outsideProblem(text, start, 'before'));
  }
  const end = valueEnd(text, start);
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end === undefined ? text.length : end + 1));
  } catch (error) {
    const problems = [syntaxProblem(text, start, end !== undefined, error)];
    const tail = end === undefined ? text.length : firstNonWs(text, end + 1);
    if (tail < text.length) problems.push(outsideProblem(text, tail, 'after'));
    throw reject(problems);
  }
  const tail = firstNonWs(text, (end ?? text.length) + 1);
  if (tail < text.length) throw reject(outsideProblem(text, tail, 'after'));
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = zodIssues(result.error, { code: 'E_SOC_SCHEMA' });
    throw reject(
      issues.map((issue) => ({
        code: 'E_SOC_SCHEMA',
        message: issue.hint ? `${issue.message}. ${issue.hint}` : issue.message,
        excerpt: issue.path ?? '',
      })),
    );
  }
  return result.data;
}
