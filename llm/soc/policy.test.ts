import { describe, expect, it } from 'vitest';
import { type AnswerPolicy, checkAnswerPolicy, pathPolicyProblem, resolveAnswerPolicy } from './policy.js';

const code = (path: string, policy: AnswerPolicy) => pathPolicyProblem(path, resolveAnswerPolicy(policy))?.code;

describe('pathPolicyProblem', () => {
  const domain = { allowed: ['app/domain/**/*.py', 'tests/test_domain_*.py'] };

  it.each([
    ['app/domain/pricing.py', undefined],
    ['app/domain/rules/vat.py', undefined],
    ['tests/test_domain_pricing.py', undefined],
    ['app/domain/.hidden.py', 'E_SOC_FORBIDDEN'],
    ['app/domain/notes.md', 'E_SOC_FILE_TYPE'],
    ['app/domain/Makefile', 'E_SOC_FILE_TYPE'],
    ['tests/test_domain_x.sh', 'E_SOC_FILE_TYPE'],
    ['tests/test_pricing.py', 'E_SOC_FORBIDDEN'],
    ['app/main.py', 'E_SOC_FORBIDDEN'],
    ['app/auth_jwt.py', 'E_SOC_FORBIDDEN'],
  ])('domain policy: %s → %s', (path, expected) => {
    expect(code(path, domain)).toBe(expected);
  });

  it('lets forbidden globs win over allowed ones, ignoring case', () => {
    const broad = { allowed: ['app/**/*.py'] };
    expect(code('app/models.py', broad)).toBeUndefined();
    for (const path of [
      'app/security.py',
      'app/AUTH.py',
      'app/crypto_utils.py',
      'app/audit/log.py',
      'app/middleware.py',
    ]) {
      expect(code(path, broad)).toBe('E_SOC_FORBIDDEN');
    }
    const hook = pathPolicyProblem('app/.git/hooks/pre-commit.py', resolveAnswerPolicy({ allowed: ['app/**'] }));
    expect(hook?.message).toMatch(/matches \*\*\/\.git\/\*\*/);
  });

  it('writes scaffold listed in allowScaffold, and only that', () => {
    const policy = { allowed: ['app/domain/**/*.py'], allowScaffold: ['app/middleware.py'] };
    expect(code('app/middleware.py', policy)).toBeUndefined();
    expect(code('app/security.py', policy)).toBe('E_SOC_FORBIDDEN');
    expect(code('app/MIDDLEWARE.py', policy)).toBe('E_SOC_FORBIDDEN');
  });

  it('derives file types from the last segment of each glob', () => {
    expect(code('docs/a.md', { allowed: ['docs/*.{md,txt}'] })).toBeUndefined();
    expect(code('docs/a.txt', { allowed: ['docs/*.{md,txt}'] })).toBeUndefined();
    expect(code('docs/a.html', { allowed: ['docs/*.{md,txt}'] })).toBe('E_SOC_FILE_TYPE');
    expect(code('data/x.sql', { allowed: ['data/**'] })).toBeUndefined();
    expect(code('data/x.sh', { allowed: ['data/**'] })).toBe('E_SOC_FILE_TYPE');
    expect(code('Dockerfile', { allowed: ['Dockerfile'] })).toBeUndefined();
  });
});

describe('checkAnswerPolicy', () => {
  it('checks the number of files and the bytes, counting UTF-8', () => {
    const policy = resolveAnswerPolicy({ allowed: ['**/*.py'], maxFiles: 2, maxFileBytes: 10, maxTotalBytes: 14 });
    const files = [
      { path: 'a.py', content: 'ééééé\n', line: 1 },
      { path: 'b.py', content: 'x\n', line: 4 },
      { path: 'c.py', content: 'x\n', line: 7 },
    ];
    expect(checkAnswerPolicy(files, policy).map((p) => p.message)).toEqual([
      'the answer has 3 files; at most 2 are allowed',
      'a.py has 11 bytes; at most 10 are allowed per file',
      'the files have 15 bytes together; at most 14 are allowed',
    ]);
  });
});
