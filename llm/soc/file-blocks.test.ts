import { describe, expect, it } from 'vitest';
import { parseFileAnswer } from './file-blocks.js';
import { type AnswerPolicy, DOMAIN_ANSWER_POLICY } from './policy.js';
import { type SocCode, SocRejection } from './rejection.js';

const policy = DOMAIN_ANSWER_POLICY;

const PRICING = [
  '"""Discount rules for orders."""',
  '',
  '',
  'def discount(total_cents: int) -> int:',
  '    return total_cents // 10 if total_cents >= 10_000 else 0',
  '',
].join('\n');
const PRICING_TEST = [
  'from app.domain.pricing import discount',
  '',
  '',
  'def test_discount_from_100_euros():',
  '    assert discount(10_000) == 1_000',
  '',
].join('\n');

const block = (path: string, content: string) => `<<<qlf:file path="${path}">>>\n${content}<<<qlf:end>>>\n`;
const GOOD = `${block('app/domain/pricing.py', PRICING)}\n${block('tests/test_domain_pricing.py', PRICING_TEST)}<<<qlf:done>>>\n`;
const one = (path: string, content = PRICING) => `${block(path, content)}<<<qlf:done>>>\n`;

// Built at run time so no scanner mistakes this file for one holding credentials.
const OPENAI_KEY = `sk-${'proj'}-${'Qm3xR7vK2pL9wZ4n'.repeat(4)}`;
const PEM = [
  `-----BEGIN ${'RSA PRIVATE'} KEY-----`,
  'MIIEpAIBAAKCAQEA1nQ8yK2v3sW9pXbZ7hG4tR6mJ0cL5fD8aE2uN1oV3iH7kY9qP',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

function rejection(text: string, p = policy): SocRejection {
  try {
    parseFileAnswer(text, p);
  } catch (error) {
    if (error instanceof SocRejection) return error;
    throw error;
  }
  throw new Error('the answer was accepted');
}

describe('parseFileAnswer accepts', () => {
  it('one file', () => {
    expect(parseFileAnswer(one('app/domain/pricing.py'), policy)).toEqual({
      files: [{ path: 'app/domain/pricing.py', content: PRICING }],
    });
  });

  it('several files, with a blank line between blocks, in answer order', () => {
    expect(parseFileAnswer(GOOD, policy).files.map((f) => f.path)).toEqual([
      'app/domain/pricing.py',
      'tests/test_domain_pricing.py',
    ]);
  });

  it('an empty file (a package marker) and no newline after the done line', () => {
    const text = `${block('app/domain/__init__.py', '')}${block('app/domain/rules/vat.py', 'RATE = 0.2\n')}<<<qlf:done>>>`;
    expect(parseFileAnswer(text, policy).files).toEqual([
      { path: 'app/domain/__init__.py', content: '' },
      { path: 'app/domain/rules/vat.py', content: 'RATE = 0.2\n' },
    ]);
  });

  it('content with tabs, unicode, fences inside strings and lines that mention the markers', () => {
    const content = 'def f():\n\treturn "déjà ```"  # see <<<qlf:end>>>\n    # <<<qlf:done>>>\n\n\n';
    expect(parseFileAnswer(one('app/domain/f.py', content), policy).files[0]?.content).toBe(content);
  });

  it('a Markdown file with a fenced example in the middle', () => {
    const content = '# Pricing\n\n```python\ndiscount(10_000)\n```\n\nTen percent from 100 euros.\n';
    const md = { allowed: ['app/domain/**/*.{py,md}'] };
    expect(parseFileAnswer(one('app/domain/README.md', content), md).files[0]?.content).toBe(content);
  });

  it('a scaffold file the policy lists in allowScaffold', () => {
    const scaffold = { ...policy, allowScaffold: ['app/middleware.py'] };
    expect(parseFileAnswer(one('app/middleware.py'), scaffold).files).toHaveLength(1);
  });

  it('test files that use placeholder and fixture credentials', () => {
    const content = [
      'def test_login(client):',
      '    client.post("/users", json={"email": "a@b.c", "password": "Str0ng-Passw0rd!"})',
      '    token = "change-me-please-123"',
      '',
    ].join('\n');
    expect(parseFileAnswer(one('tests/test_domain_login.py', content), policy).files).toHaveLength(1);
  });
});

const cases: { name: string; text: string; code: SocCode; line?: number; policy?: AnswerPolicy }[] = [
  {
    name: 'prose before the first block',
    text: `Here are the files for the pricing module:\n\n${GOOD}`,
    code: 'E_SOC_PROSE',
    line: 1,
  },
  {
    name: 'prose after the done line',
    text: `${GOOD}\nLet me know if you need anything else!\n`,
    code: 'E_SOC_PROSE',
  },
  { name: 'more than one newline after the done line', text: `${GOOD}\n`, code: 'E_SOC_PROSE' },
  { name: 'a leading blank line', text: `\n${GOOD}`, code: 'E_SOC_PROSE', line: 1 },
  {
    name: 'prose between blocks',
    text: `${block('app/domain/pricing.py', PRICING)}And the test:\n${block('tests/test_domain_pricing.py', PRICING_TEST)}<<<qlf:done>>>\n`,
    code: 'E_SOC_PROSE',
    line: 8,
  },
  {
    name: 'a line of spaces between blocks',
    text: `${block('app/domain/pricing.py', PRICING)}   \n${block('tests/test_domain_pricing.py', PRICING_TEST)}<<<qlf:done>>>\n`,
    code: 'E_SOC_PROSE',
  },
  {
    name: 'a block with no end line',
    text: `<<<qlf:file path="app/domain/a.py">>>\nA = 1\n${block('app/domain/b.py', 'B = 2\n')}<<<qlf:done>>>\n`,
    code: 'E_SOC_PROSE',
    line: 3,
  },
  {
    name: 'a content line starting with the marker prefix',
    text: one('app/domain/a.py', 'A = 1\n<<<qlf:note>>>\n'),
    code: 'E_SOC_PROSE',
    line: 3,
  },
  {
    name: 'a marker in the wrong case (read as content, so the file is never closed)',
    text: one('app/domain/a.py').replace('<<<qlf:end>>>', '<<<QLF:END>>>'),
    code: 'E_SOC_PROSE',
    line: 8,
  },
  { name: 'the whole answer in a fence', text: `\`\`\`text\n${GOOD}\`\`\`\n`, code: 'E_SOC_FENCE', line: 1 },
  {
    name: 'a fence between blocks',
    text: `${block('app/domain/pricing.py', PRICING)}\`\`\`\n${block('tests/test_domain_pricing.py', PRICING_TEST)}<<<qlf:done>>>\n`,
    code: 'E_SOC_FENCE',
  },
  {
    name: 'a file content wrapped in a fence',
    text: one('app/domain/pricing.py', `\`\`\`python\n${PRICING}\`\`\`\n`),
    code: 'E_SOC_FENCE',
    line: 2,
  },
  {
    name: 'a Python file that opens a fence it never closes',
    text: one('app/domain/pricing.py', `\`\`\`python\n${PRICING}`),
    code: 'E_SOC_FENCE',
  },
  {
    name: 'a Markdown file that is one fenced block',
    text: one('app/domain/NOTES.md', '```\nsome notes\n```\n'),
    code: 'E_SOC_FENCE',
    policy: { allowed: ['app/domain/**/*.{py,md}'] },
  },
  {
    name: 'an answer that is only a fenced code block',
    text: `\`\`\`python\n${PRICING}\`\`\`\n`,
    code: 'E_SOC_FENCE',
    line: 1,
  },
  {
    name: 'a refusal',
    text: "I'm sorry, but I can't help with writing code that processes payment data.\n",
    code: 'E_SOC_REFUSAL',
  },
  { name: 'a curly-apostrophe refusal', text: 'I can’t assist with that request.', code: 'E_SOC_REFUSAL' },
  { name: 'an "As an AI" refusal', text: 'As an AI language model, I cannot write files.', code: 'E_SOC_REFUSAL' },
  { name: 'prose with no block', text: 'Sure! The discount is ten percent.\n', code: 'E_SOC_PROSE' },
  {
    name: 'an answer cut off mid-file',
    text: `${block('app/domain/pricing.py', PRICING)}<<<qlf:file path="tests/test_domain_pricing.py">>>\nfrom app.domain.pricing imp`,
    code: 'E_SOC_TRUNCATED',
    line: 8,
  },
  {
    name: 'an answer cut off at a line end inside a file',
    text: '<<<qlf:file path="app/domain/pricing.py">>>\n"""Discount rules."""\n',
    code: 'E_SOC_TRUNCATED',
  },
  { name: 'a missing done line', text: GOOD.replace('<<<qlf:done>>>\n', ''), code: 'E_SOC_TRUNCATED' },
  { name: 'a done line cut in half', text: GOOD.replace('<<<qlf:done>>>\n', '<<<qlf:do'), code: 'E_SOC_TRUNCATED' },
  { name: 'a first begin line cut in half', text: '<<<qlf:file path="app/dom', code: 'E_SOC_TRUNCATED' },
  { name: 'a path climbing out of the root', text: one('../../.ssh/authorized_keys'), code: 'E_SOC_PATH', line: 1 },
  { name: 'an absolute path', text: one('/etc/passwd'), code: 'E_SOC_PATH' },
  { name: 'a Windows path', text: one('app\\..\\x'), code: 'E_SOC_PATH' },
  { name: 'a drive letter', text: one('C:/x'), code: 'E_SOC_PATH' },
  { name: 'a path with a space', text: one('app/domain/my file.py'), code: 'E_SOC_PATH' },
  { name: 'a path with a quote', text: one('app/domain/a".py'), code: 'E_SOC_PATH' },
  { name: 'a path with an empty segment', text: one('app//domain/a.py'), code: 'E_SOC_PATH' },
  { name: 'a path segment ending in a dot', text: one('app/security.py.'), code: 'E_SOC_PATH' },
  { name: 'a path nine segments deep', text: one('app/domain/a/b/c/d/e/f/g.py'), code: 'E_SOC_PATH' },
  { name: 'a path over 200 characters', text: one(`app/domain/${'a'.repeat(190)}.py`), code: 'E_SOC_PATH' },
  {
    name: 'a duplicate path',
    text: `${block('app/domain/pricing.py', PRICING)}${block('app/domain/pricing.py', PRICING)}<<<qlf:done>>>\n`,
    code: 'E_SOC_DUPLICATE',
    line: 8,
  },
  {
    name: 'paths that differ only in case',
    text: `${block('app/domain/pricing.py', PRICING)}${block('app/domain/Pricing.py', PRICING)}<<<qlf:done>>>\n`,
    code: 'E_SOC_DUPLICATE',
  },
  { name: 'a shell script', text: one('app/domain/migrate.sh', '#!/bin/sh\nrm -rf /\n'), code: 'E_SOC_FILE_TYPE' },
  { name: 'a test file of the wrong type', text: one('tests/test_domain_x.sh', 'echo\n'), code: 'E_SOC_FILE_TYPE' },
  { name: 'the security scaffold', text: one('app/security.py'), code: 'E_SOC_FORBIDDEN', line: 1 },
  { name: 'the scaffold in another case', text: one('app/Security.py'), code: 'E_SOC_FORBIDDEN' },
  { name: 'a file outside the allowed paths', text: one('app/main.py'), code: 'E_SOC_FORBIDDEN' },
  {
    name: 'an OpenAI key in content',
    text: one('app/domain/llm.py', `import openai\n\nclient = openai.OpenAI(api_key="${OPENAI_KEY}")\n`),
    code: 'E_SOC_SECRET',
    line: 4,
  },
  {
    name: 'a PEM private key in content',
    text: one('app/domain/keys.py', `KEY = """\n${PEM}\n"""\n`),
    code: 'E_SOC_SECRET',
    line: 3,
  },
  { name: 'a NUL byte', text: one('app/domain/a.py', 'A = "\0"\n'), code: 'E_SOC_ENCODING', line: 2 },
  { name: 'CRLF line endings', text: GOOD.replaceAll('\n', '\r\n'), code: 'E_SOC_ENCODING', line: 1 },
  {
    name: 'a bidirectional override',
    text: one('app/domain/a.py', 'ok = "user\u202e" # admin\n'),
    code: 'E_SOC_ENCODING',
  },
  { name: 'a byte order mark', text: `\ufeff${GOOD}`, code: 'E_SOC_ENCODING' },
  { name: 'an empty answer', text: '', code: 'E_SOC_EMPTY' },
  { name: 'a done line alone', text: '<<<qlf:done>>>\n', code: 'E_SOC_EMPTY' },
  {
    name: 'a file over 200 kB',
    text: one('app/domain/table.py', `ROWS = [\n${'    (1, 2, 3),\n'.repeat(15_000)}]\n`),
    code: 'E_SOC_TOO_LARGE',
  },
  {
    name: 'more than 20 files',
    text: `${Array.from({ length: 21 }, (_, i) => block(`app/domain/m${i}.py`, `N = ${i}\n`)).join('')}<<<qlf:done>>>\n`,
    code: 'E_SOC_TOO_LARGE',
  },
];

describe('parseFileAnswer rejects', () => {
  it.each(cases)('$name with $code', ({ text, code, line, policy: casePolicy }) => {
    const error = rejection(text, casePolicy);
    expect(error.code).toBe(code);
    if (line !== undefined) expect(error.line).toBe(line);
    expect(error.excerpt.length).toBeLessThanOrEqual(200);
  });

  it('over 1 MB in all', () => {
    const big = `X = "${'a'.repeat(150_000)}"\n`;
    const text = `${Array.from({ length: 7 }, (_, i) => block(`app/domain/m${i}.py`, big)).join('')}<<<qlf:done>>>\n`;
    const error = rejection(text);
    expect(error.code).toBe('E_SOC_TOO_LARGE');
    expect(error.message).toMatch(/at most 1000000/);
  });

  it('reports every problem at once: grammar first, then the files in answer order', () => {
    const text = `Here you go:\n${block('app/security.py', PRICING)}${block('app/domain/run.sh', 'echo\n')}<<<qlf:done>>>\n`;
    expect(rejection(text).problems.map((p) => [p.code, p.line])).toEqual([
      ['E_SOC_PROSE', 1],
      ['E_SOC_FORBIDDEN', 2],
      ['E_SOC_FILE_TYPE', 9],
    ]);
  });

  it('masks a secret in the excerpt and the feedback', () => {
    const error = rejection(one('app/domain/llm.py', `KEY = "${OPENAI_KEY}"\n`));
    expect(error.excerpt).toBe('openai-api-key: sk-p…');
    expect(error.feedback()).not.toContain(OPENAI_KEY.slice(0, 12));
    expect(error.message).not.toContain(OPENAI_KEY.slice(0, 12));
  });

  it('masks a secret in a prose excerpt', () => {
    const error = rejection(`Use the key ${OPENAI_KEY} for this:\n${GOOD}`);
    expect(error.code).toBe('E_SOC_PROSE');
    expect(error.excerpt).toBe('Use the key sk-p… for this:');
  });

  it('escapes control characters in excerpts', () => {
    expect(rejection(one('app/domain/a.py', 'A = "\0"\n')).excerpt).toBe('A = "\\u0000"');
  });
});
