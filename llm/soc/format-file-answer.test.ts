import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnswerFile } from './answer-file.js';
import { isFenceLine } from './fences.js';
import { parseFileAnswer } from './file-blocks.js';
import { formatFileAnswer } from './format-file-answer.js';
import { DOMAIN_ANSWER_POLICY } from './policy.js';

const policy = DOMAIN_ANSWER_POLICY;

/** Characters that make content hard: tabs, quotes, markers' first characters, fences, non-ASCII, astral planes. */
const contentChar = fc.constantFrom(
  ...'abcXYZ019 _-=:()[]{}#"\'\\/<>`~.,;!?'.split(''),
  '\t',
  'é',
  'ß',
  '日本',
  '😀',
  '\u2028',
  '<<<',
  '<<<qlf',
  '```',
);
const contentLine = fc.string({ unit: contentChar, maxLength: 40 }).filter((line) => !line.startsWith('<<<qlf:'));
const content = fc
  .array(contentLine, { maxLength: 8 })
  .filter((lines) => !isFenceLine(lines.find((l) => l.trim() !== '') ?? ''))
  .map((lines) => lines.map((l) => `${l}\n`).join(''));
const segment = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_'.split('')),
  minLength: 1,
  maxLength: 12,
});
const domainPath = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .map((segments) => `app/domain/${segments.join('/')}.py`);
const files = fc.uniqueArray(fc.record({ path: domainPath, content }), {
  minLength: 1,
  maxLength: 6,
  selector: (file) => file.path.toLowerCase(),
});

/** An accepted answer for `files`, with the freedom the grammar allows: blank lines between blocks, a final LF or not. */
function looseAnswer(list: readonly AnswerFile[], blanks: number[], finalLf: boolean): string {
  const blocks = list.map(
    ({ path, content: text }, i) =>
      `${'\n'.repeat(i === 0 ? 0 : (blanks[i] ?? 0))}<<<qlf:file path="${path}">>>\n${text}<<<qlf:end>>>\n`,
  );
  return `${blocks.join('')}${'\n'.repeat(blanks[0] ?? 0)}<<<qlf:done>>>${finalLf ? '\n' : ''}`;
}

describe('formatFileAnswer', () => {
  it('writes the canonical answer', () => {
    expect(
      formatFileAnswer([
        { path: 'app/domain/a.py', content: 'A = 1\n' },
        { path: 'app/domain/__init__.py', content: '' },
      ]),
    ).toBe(
      '<<<qlf:file path="app/domain/a.py">>>\nA = 1\n<<<qlf:end>>>\n<<<qlf:file path="app/domain/__init__.py">>>\n<<<qlf:end>>>\n<<<qlf:done>>>\n',
    );
  });

  it('ends a content without a final newline with one', () => {
    const text = formatFileAnswer([{ path: 'app/domain/a.py', content: 'A = 1' }]);
    expect(parseFileAnswer(text, policy).files[0]?.content).toBe('A = 1\n');
  });

  it('refuses a content line the contract cannot carry', () => {
    expect(() => formatFileAnswer([{ path: 'app/domain/a.py', content: 'x\n<<<qlf:end>>>\n' }])).toThrow(/<<<qlf:/);
  });

  it('parses back to the same files (property)', () => {
    fc.assert(
      fc.property(files, (list) => {
        expect(parseFileAnswer(formatFileAnswer(list), policy).files).toEqual(list);
      }),
      { numRuns: 300 },
    );
  });

  it('re-serialises any accepted answer to one that parses to the same files (property)', () => {
    fc.assert(
      fc.property(
        files,
        fc.array(fc.nat({ max: 3 }), { minLength: 7, maxLength: 7 }),
        fc.boolean(),
        (list, blanks, finalLf) => {
          const accepted = parseFileAnswer(looseAnswer(list, blanks, finalLf), policy).files;
          expect(accepted).toEqual(list);
          const again = formatFileAnswer(accepted);
          expect(parseFileAnswer(again, policy).files).toEqual(accepted);
          expect(formatFileAnswer(parseFileAnswer(again, policy).files)).toBe(again);
        },
      ),
      { numRuns: 300 },
    );
  });
});
