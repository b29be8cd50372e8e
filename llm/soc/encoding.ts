// The characters an answer may not hold: it is UTF-8 text with LF line endings, meant to become source files.
import type { SocProblem } from './rejection.js';
import { lineAt, positionsOf } from './text-position.js';

/**
 * C0/C1 controls except tab and LF (CR included), DEL, the byte order mark, the replacement character (the mark of a
 * broken UTF-8 decode), the bidirectional embedding/override/isolate controls that can make code read differently
 * from how it runs ("Trojan Source", CVE-2021-42574), and unpaired surrogates (not encodable as UTF-8).
 */
const BAD_CHARACTER =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function describe(char: string): string {
  const code = char.charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0) return `a NUL character (${hex})`;
  if (code === 0x0d) return `a carriage return (${hex})`;
  if (code === 0xfeff) return `a byte order mark (${hex})`;
  if (code === 0xfffd) return `a replacement character (${hex}), the mark of text that was not valid UTF-8`;
  if (code >= 0xd800 && code <= 0xdfff) return `an unpaired surrogate (${hex}), which is not valid UTF-8`;
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
    return `a bidirectional control character (${hex})`;
  }
  return `a control character (${hex})`;
}

/** Whether `char` (one UTF-16 unit, or a surrogate pair) may appear in an answer; the ABNF's `text-char` plus LF. */
export function isAllowedCharacter(char: string): boolean {
  return !new RegExp(BAD_CHARACTER.source).test(char);
}

/**
 * Every character the contract refuses, one problem per kind of character (its first place, and how many other lines
 * hold it), so a CRLF answer is one problem rather than one per line.
 */
export function findEncodingProblems(text: string, options: { allowCarriageReturn?: boolean } = {}): SocProblem[] {
  const position = positionsOf(text);
  const byKind = new Map<string, { problem: SocProblem; lines: Set<number> }>();
  for (const match of text.matchAll(BAD_CHARACTER)) {
    const char = match[0];
    if (char === '\r' && options.allowCarriageReturn) continue;
    const kind = describe(char);
    const { line, column } = position(match.index);
    const seen = byKind.get(kind);
    if (seen) {
      seen.lines.add(line);
      continue;
    }
    const problem: SocProblem = {
      code: 'E_SOC_ENCODING',
      message: `the text holds ${kind}`,
      line,
      column,
      excerpt: lineAt(text, match.index),
    };
    byKind.set(kind, { problem, lines: new Set([line]) });
  }
  return [...byKind.values()].map(({ problem, lines }) =>
    lines.size > 1 ? { ...problem, message: `${problem.message} (on ${lines.size} lines)` } : problem,
  );
}
