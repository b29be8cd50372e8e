import { describe, expect, it } from 'vitest';
import { type SocProblem, SocRejection } from './rejection.js';

describe('SocRejection', () => {
  it('names the first problem and keeps them all as located issues', () => {
    const error = new SocRejection([
      { code: 'E_SOC_PROSE', line: 1, message: 'text before the first file block', excerpt: 'Sure, here it is:' },
      { code: 'E_SOC_FORBIDDEN', line: 2, path: 'app/security.py', message: 'app/security.py is security scaffold' },
    ]);
    expect(error.code).toBe('E_SOC_PROSE');
    expect(error.kind).toBe('work');
    expect(error.line).toBe(1);
    expect(error.excerpt).toBe('Sure, here it is:');
    expect(error.message).toBe(
      "the model's answer breaks the output contract (line 1): text before the first file block (and 1 more problem)",
    );
    expect(error.issues[1]).toMatchObject({
      code: 'E_SOC_FORBIDDEN',
      line: 2,
      message: expect.stringMatching(/^app\/security.py: /),
    });
  });

  it('writes feedback with the place, the text, the rule and the form to answer in', () => {
    const feedback = new SocRejection({
      code: 'E_SOC_TRUNCATED',
      line: 40,
      path: 'app/domain/pricing.py',
      message: 'the answer ends inside file app/domain/pricing.py, which has no end line; it was cut off',
      excerpt: '    return total_cents // 1',
    }).feedback();
    expect(feedback).toContain('1. E_SOC_TRUNCATED (line 40, file app/domain/pricing.py): the answer ends inside');
    expect(feedback).toContain('   Offending text:     return total_cents // 1');
    expect(feedback).toContain('   Rule: Close every file with <<<qlf:end>>>');
    expect(feedback).toMatch(
      /Answer again following the contract exactly: each file as\n<<<qlf:file path="RELATIVE\/PATH">>>/,
    );
  });

  it('lists at most 10 problems and shortens excerpts to 200 characters', () => {
    const problems: SocProblem[] = Array.from({ length: 13 }, (_, i) => ({
      code: 'E_SOC_PATH',
      line: i + 1,
      message: `bad path ${i}`,
      excerpt: 'x'.repeat(500),
    }));
    const error = new SocRejection(problems);
    expect(error.excerpt).toHaveLength(200);
    expect(error.feedback()).toContain('... and 3 more.');
    expect(error.feedback()).not.toContain('bad path 10');
  });
});
