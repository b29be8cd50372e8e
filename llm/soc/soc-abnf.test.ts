// Keeps schemas/soc.abnf and the parser in step: the grammar is compiled to a regular expression (it is regular, no
// rule refers to itself) and must accept exactly the answers whose structure the parser accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAllowedCharacter } from './encoding.js';
import { parseFileAnswer } from './file-blocks.js';
import { formatFileAnswer } from './format-file-answer.js';
import { type SocCode, SocRejection } from './rejection.js';

const ABNF = readFileSync(join(import.meta.dirname, '../../schemas/soc.abnf'), 'utf8');

const CORE: Record<string, string> = {
  ALPHA: '[\\u{41}-\\u{5A}\\u{61}-\\u{7A}]',
  DIGIT: '[\\u{30}-\\u{39}]',
  DQUOTE: '\\u{22}',
  HTAB: '\\u{9}',
  LF: '\\u{A}',
  SP: '\\u{20}',
};

/** Rule name → its elements, comments dropped and continuation lines joined. */
function readRules(text: string): Map<string, string> {
  const rules = new Map<string, string>();
  let last: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    const rule = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*)$/.exec(line);
    if (rule?.[1] && rule[2] !== undefined) {
      last = rule[1];
      rules.set(last, rule[2]);
    } else if (last && /^\s/.test(line)) {
      rules.set(last, `${rules.get(last)} ${line.trim()}`);
    } else {
      throw new Error(`cannot read ABNF line: ${raw}`);
    }
  }
  return rules;
}

const cp = (hex: string) => `\\u{${hex}}`;

/** A recursive-descent reader of RFC 5234 elements that writes a JavaScript (`u` flag) regular expression. */
function compile(rules: Map<string, string>, name: string, seen: string[] = []): string {
  if (CORE[name]) return CORE[name];
  const source = rules.get(name);
  if (source === undefined) throw new Error(`undefined rule ${name}`);
  if (seen.includes(name)) throw new Error(`rule ${name} refers to itself`);
  let at = 0;
  const skip = () => {
    while (source[at] === ' ') at++;
  };
  const alternation = (): string => {
    const parts = [concatenation()];
    skip();
    while (source[at] === '/') {
      at++;
      parts.push(concatenation());
      skip();
    }
    return parts.length === 1 ? (parts[0] ?? '') : `(?:${parts.join('|')})`;
  };
  const concatenation = (): string => {
    const parts: string[] = [];
    for (skip(); at < source.length && !'/)]'.includes(source[at] ?? ''); skip()) parts.push(repetition());
    return parts.join('');
  };
  const repetition = (): string => {
    const repeat = /^(\d*)(\*?)(\d*)/.exec(source.slice(at)) ?? ['', '', '', ''];
    at += repeat[0].length;
    const element = `(?:${elementOf()})`;
    const [, min = '', star, max = ''] = repeat;
    if (!star) return min === '' ? element : `${element}{${min}}`;
    return `${element}{${min || '0'},${max}}`;
  };
  const elementOf = (): string => {
    const rest = source.slice(at);
    if (rest.startsWith('(') || rest.startsWith('[')) {
      at++;
      const inner = alternation();
      at++;
      return rest.startsWith('[') ? `(?:${inner})?` : inner;
    }
    const quoted = /^"([^"]*)"/.exec(rest);
    if (quoted) {
      at += quoted[0].length;
      return [...(quoted[1] ?? '')]
        .map((c) => (/[A-Za-z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : cp(c.charCodeAt(0).toString(16))))
        .join('');
    }
    const num = /^%x([0-9A-Fa-f]+)(?:-([0-9A-Fa-f]+)|((?:\.[0-9A-Fa-f]+)*))/.exec(rest);
    if (num?.[1]) {
      at += num[0].length;
      if (num[2]) return `[${cp(num[1])}-${cp(num[2])}]`;
      return [num[1], ...(num[3] ?? '').split('.').filter(Boolean)].map(cp).join('');
    }
    const ref = /^[A-Za-z][A-Za-z0-9-]*/.exec(rest);
    if (ref) {
      at += ref[0].length;
      return `(?:${compile(rules, ref[0], [...seen, name])})`;
    }
    throw new Error(`cannot read ABNF element in ${name}: ${rest}`);
  };
  const result = alternation();
  if (at !== source.length) throw new Error(`unread ABNF in ${name}: ${source.slice(at)}`);
  return result;
}

const rules = readRules(ABNF);
const grammar = (rule: string) => new RegExp(`^(?:${compile(rules, rule)})$`, 'u');
const fileAnswer = grammar('file-answer');

/** Codes for what the grammar leaves to policy: allowed paths, types, duplicates, limits, secrets, fenced contents. */
const POLICY_CODES: ReadonlySet<SocCode> = new Set([
  'E_SOC_FORBIDDEN',
  'E_SOC_FILE_TYPE',
  'E_SOC_DUPLICATE',
  'E_SOC_SECRET',
  'E_SOC_TOO_LARGE',
]);

/** Whether the parser accepts the structure of `text` (policy problems aside). */
function parserAccepts(text: string): boolean {
  try {
    parseFileAnswer(text, { allowed: ['**'], forbidden: [] });
    return true;
  } catch (error) {
    if (!(error instanceof SocRejection)) throw error;
    return error.problems.every((p) => POLICY_CODES.has(p.code) || (p.code === 'E_SOC_FENCE' && p.path !== undefined));
  }
}

describe('schemas/soc.abnf', () => {
  it('defines every rule it uses, without recursion', () => {
    for (const name of rules.keys()) expect(() => grammar(name)).not.toThrow();
  });

  it('spells the markers as the parser does', () => {
    expect(grammar('begin-line').test('<<<qlf:file path="app/domain/a.py">>>\n')).toBe(true);
    expect(grammar('end-line').test('<<<qlf:end>>>\n')).toBe(true);
    expect(grammar('done-line').test('<<<qlf:done>>>')).toBe(true);
    expect(grammar('end-line').test('<<<QLF:END>>>\n')).toBe(false);
  });

  it('allows the characters the parser allows (every code point)', () => {
    const textChar = grammar('text-char');
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code === 0x0a) continue;
      const char = String.fromCodePoint(code);
      if (textChar.test(char) !== isAllowedCharacter(char)) throw new Error(`U+${code.toString(16)} disagrees`);
    }
  });

  it.each([
    ['app/domain/a.py', true],
    ['a/b/c/d/e/f/g/h.py', true],
    ['a/b/c/d/e/f/g/h/i.py', false],
    ['../x', false],
    ['./x', false],
    ['/etc/passwd', false],
    ['app\\x', false],
    ['C:/x', false],
    ['a//b', false],
    ['a.', false],
    ['.env', true],
  ])('path %s: %s', (path, valid) => {
    expect(grammar('path').test(path)).toBe(valid);
  });

  it('accepts what formatFileAnswer writes', () => {
    const text = formatFileAnswer([
      { path: 'app/domain/a.py', content: 'def f():\n\treturn "<<<"\n' },
      { path: 'app/domain/__init__.py', content: '' },
    ]);
    expect(fileAnswer.test(text)).toBe(true);
    expect(fileAnswer.test(text.slice(0, -1))).toBe(true);
    expect(fileAnswer.test(`${text}\n`)).toBe(false);
  });

  it('accepts exactly the answers the parser accepts (property)', () => {
    const goodPath = fc.constantFrom('app/a.py', 'app/domain/b.md', 'x.txt', '.env', 'a/b/c/d/e/f/g/h.py');
    const badPath = fc.constantFrom(
      '../x.py',
      '/etc/passwd',
      'app\\x.py',
      'C:/x.py',
      'a//b.py',
      'a./b.py',
      'my file.py',
      'a/b/c/d/e/f/g/h/i.py',
      'a".py',
      '',
    );
    const odd = fc.constantFrom(
      '<',
      '<<<qlf',
      '<<<qlf:',
      'q',
      '```',
      '~~~',
      '\r',
      '\0',
      '\x7f',
      '\x85',
      '\u202e',
      '\ufeff',
      '\ufffd',
      '\ud800',
    );
    const plain = fc.constantFrom('a', ' ', '\t', ':', '`', 'é', '😀', '\u2028', '<<<');
    const contentLine = fc.string({ unit: plain, maxLength: 6 });
    const strayLine = fc.oneof(
      fc.string({ unit: fc.oneof(plain, odd), maxLength: 6 }),
      badPath.map((p) => `<<<qlf:file path="${p}">>>`),
      fc.constantFrom(
        '',
        '<<<qlf:end>>>',
        '<<<qlf:done>>>',
        '<<<qlf:end>>> ',
        '<<<QLF:END>>>',
        "<<<qlf:file path='a.py'>>>",
        '<<<qlf:nope>>>',
        'Here you go:',
        '```',
      ),
    );
    const block = fc
      .tuple(fc.nat({ max: 2 }), goodPath, fc.array(contentLine, { maxLength: 3 }))
      .map(([blanks, p, lines]) => [
        ...Array<string>(blanks).fill(''),
        `<<<qlf:file path="${p}">>>`,
        ...lines,
        '<<<qlf:end>>>',
      ]);
    const mutation = fc.tuple(fc.constantFrom('insert', 'replace', 'delete'), fc.nat(), strayLine);
    const answer = fc
      .tuple(
        fc.array(block, { minLength: 1, maxLength: 3 }),
        fc.nat({ max: 1 }),
        fc.boolean(),
        fc.array(mutation, { maxLength: 2 }),
      )
      .map(([blocks, blanksBeforeDone, lf, mutations]) => {
        const lines = [...blocks.flat(), ...Array<string>(blanksBeforeDone).fill(''), '<<<qlf:done>>>'];
        // The first block's leading blank lines would make every answer wrong; keep them between blocks only.
        while (lines[0] === '') lines.shift();
        for (const [kind, at, stray] of mutations) {
          const i = at % (lines.length + 1);
          if (kind === 'insert') lines.splice(i, 0, stray);
          else if (kind === 'replace') lines.splice(i, 1, stray);
          else lines.splice(i, 1);
        }
        return `${lines.join('\n')}${lf ? '\n' : ''}`;
      });
    const outcomes = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(answer, (text) => {
        const accepted = fileAnswer.test(text);
        outcomes[accepted ? 'accepted' : 'rejected']++;
        expect(parserAccepts(text)).toBe(accepted);
      }),
      { numRuns: 3000 },
    );
    // Both sides of the grammar are exercised, not only rejections.
    expect(outcomes.accepted).toBeGreaterThan(500);
    expect(outcomes.rejected).toBeGreaterThan(500);
  });
});
