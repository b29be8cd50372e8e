// Brief loading: every kind of bad input gives one located input error with a hint; sentences become briefs.
import { describe, expect, it } from 'vitest';
import { QlfError } from '../../../core/errors.js';
import { cpuMsSince } from '../../../testing/cpu-time.js';
import { MAX_BRIEF_BYTES, parseBrief } from './load-brief.js';
import { briefFromSentence, nameFromSentence } from './sentence-brief.js';

const head = 'apiVersion: qlf.dev/v1\nkind: Brief\n';

function failure(text: string): QlfError {
  try {
    parseBrief(text, 'brief.qlf.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(QlfError);
    return error as QlfError;
  }
  throw new Error('expected parseBrief to fail');
}

describe('parseBrief', () => {
  it('parses a valid brief with defaults filled', () => {
    const brief = parseBrief(`${head}name: shop\ndescription: An online shop.\nentities:\n  - name: Order\n`);
    expect(brief.name).toBe('shop');
    expect(brief.entities?.[0]?.fields).toEqual([]);
  });

  it.each([
    ['malformed YAML', `${head}name: [shop\ndescription: x\n`, 'E_BRIEF_YAML'],
    ['wrong kind', 'apiVersion: qlf.dev/v1\nkind: Service\nname: shop\ndescription: x\n', 'E_BRIEF_SCHEMA'],
    ['path-like name', `${head}name: ../../etc\ndescription: x\n`, 'E_BRIEF_SCHEMA'],
    ['underscore name', `${head}name: Payments_API\ndescription: x\n`, 'E_BRIEF_SCHEMA'],
    ['empty description', `${head}name: shop\ndescription: "   "\n`, 'E_BRIEF_SCHEMA'],
    ['duplicate keys', `${head}name: shop\nname: other\ndescription: x\n`, 'E_BRIEF_YAML'],
    ['a list', '- name: shop\n- name: other\n', 'E_BRIEF_SHAPE'],
    ['a scalar', 'just some words\n', 'E_BRIEF_SHAPE'],
    ['an empty file', '', 'E_BRIEF_SHAPE'],
    ['NUL bytes', `${head}name: shop\u0000\ndescription: x\n`, 'E_BRIEF_BINARY'],
    ['undecodable bytes', `${head}name: shop\ndescription: \uFFFD\n`, 'E_BRIEF_BINARY'],
  ])('rejects %s with %s, located, with a hint', (_case, text, code) => {
    const error = failure(text);
    expect(error.code).toBe(code);
    expect(error.kind).toBe('input');
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.file).toBe('brief.qlf.yaml');
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.hint).toBeTruthy();
    }
  });

  it('reports every schema problem at once, each at its own line', () => {
    const error = failure(`${head}name: Bad_Name\ndescription: ""\nstack:\n  backend: django\nfoo: 1\n`);
    const byPath = Object.fromEntries(error.issues.map((i) => [i.path, i]));
    expect(Object.keys(byPath).sort()).toEqual(['', 'description', 'name', 'stack.backend']);
    expect(byPath.name?.line).toBe(3);
    expect(byPath.name?.hint).toContain('name: bad-name');
    expect(byPath['stack.backend']?.line).toBe(6);
    expect(byPath['stack.backend']?.hint).toContain('fastapi');
    expect(byPath['']?.line).toBe(7);
  });

  // Where the problem is: line and column of the scalar or node, and what the message and hint must say.
  const base = `${head}name: shop\n`;
  it.each([
    [
      'an escaped NUL',
      `${base}description: "An API.\\u0000"\n`,
      'E_BRIEF_CONTROL_CHAR',
      [4, 14],
      /`description` holds the control character U\+0000$/,
      /\\u0000/,
    ],
    [
      'a raw control character',
      `${base}description: An\u0001 API.\n`,
      'E_BRIEF_CONTROL_CHAR',
      [4, 14],
      /U\+0001/,
      /printable text/,
    ],
    [
      'an escaped DEL',
      `${base}description: "x\\x7F"\n`,
      'E_BRIEF_CONTROL_CHAR',
      [4, 14],
      /control character U\+007F/,
      /\\u007F/,
    ],
    [
      'a C1 control (NEL)',
      `${base}description: "x\\N"\n`,
      'E_BRIEF_CONTROL_CHAR',
      [4, 14],
      /control character U\+0085/,
      /\\u0085/,
    ],
    [
      'a control character in a key',
      `${base}description: x\n"ke\\u0001y": 1\n`,
      'E_BRIEF_CONTROL_CHAR',
      [5, 1],
      /^the key "ke\\u0001y" holds the control character U\+0001$/,
      /\\u0001/,
    ],
    [
      'a control character deep down',
      `${base}description: x\nentities:\n  - name: Order\n    fields: ["a\\u001Fb"]\n`,
      'E_BRIEF_CONTROL_CHAR',
      [7, 14],
      /^`entities\[0\]\.fields\[0\]` holds the control character U\+001F$/,
      /\\u001F/,
    ],
    [
      'an unpaired surrogate',
      `${base}description: "x\\uD800"\n`,
      'E_BRIEF_CONTROL_CHAR',
      [4, 14],
      /unpaired surrogate U\+D800/,
      /\\uD800/,
    ],
    [
      'a noncharacter',
      `${base}description: "x\\uFFFE"\n`,
      'E_BRIEF_CONTROL_CHAR',
      [4, 14],
      /noncharacter U\+FFFE/,
      /\\uFFFE/,
    ],
    [
      'an astral noncharacter',
      `${base}description: "x\\U0010FFFF"\n`,
      'E_BRIEF_CONTROL_CHAR',
      [4, 14],
      /noncharacter U\+10FFFF/,
      /\\U0010FFFF/,
    ],
    [
      '!!omap',
      `${base}description: x\nops: !!omap [replicas: 99999]\n`,
      'E_BRIEF_YAML_TYPE',
      [5, 6],
      /^`ops` has the YAML tag !!omap: a brief holds only mappings/,
      /plain mapping/,
    ],
    [
      '!!set',
      `${base}description: x\nuses: !!set {a, b}\n`,
      'E_BRIEF_YAML_TYPE',
      [5, 7],
      /`uses` has the YAML tag !!set/,
      /plain mapping .* or sequence/,
    ],
    [
      '!!pairs',
      `${base}description: x\nops: !!pairs [replicas: 3]\n`,
      'E_BRIEF_YAML_TYPE',
      [5, 6],
      /!!pairs/,
      /plain mapping/,
    ],
    [
      '!!binary',
      `${base}description: !!binary QW4gQVBJLg==\n`,
      'E_BRIEF_YAML_TYPE',
      [4, 14],
      /`description` has the YAML tag !!binary/,
      /plain text/,
    ],
    [
      '!!timestamp',
      `${base}description: !!timestamp 2001-12-14\n`,
      'E_BRIEF_YAML_TYPE',
      [4, 14],
      /!!timestamp/,
      /quoted/,
    ],
    [
      'a custom tag',
      `${base}description: !shout An API.\n`,
      'E_BRIEF_YAML_TYPE',
      [4, 14],
      /YAML tag !shout/,
      /Remove `!shout`/,
    ],
    [
      'a %TAG shorthand',
      `%TAG !e! tag:example.com,2000:\n---\n${base}description: !e!x An API.\n`,
      'E_BRIEF_YAML_TYPE',
      [6, 14],
      /tag:example\.com,2000:x/,
      /Remove/,
    ],
    [
      'a sequence as a key',
      `${base}description: x\n? [a, b]\n: 1\n`,
      'E_BRIEF_YAML_TYPE',
      [5, 3],
      /mapping or sequence as a key/,
      /plain string/,
    ],
    [
      'an alias bomb',
      `${base}description: x\na0: &a [x, x, x, x, x, x, x, x, x]\na1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\na2: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n`,
      'E_BRIEF_YAML_ALIASES',
      [6, 9],
      /expand to more than 50 copies/,
      /Write the values out/,
    ],
  ])('refuses %s at its line and column, naming it and the fix', (_case, text, code, [line, column], message, hint) => {
    const error = failure(text);
    expect(error.code).toBe(code);
    expect(error.kind).toBe('input');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ code, file: 'brief.qlf.yaml', line, column });
    expect(error.issues[0]?.message).toMatch(message);
    expect(error.issues[0]?.hint).toMatch(hint);
  });

  it('accepts tabs, line breaks, emoji and the core tags that name plain types', () => {
    const brief = parseBrief(
      `${head}name: !!str shop\ndescription: "An\\tonline\\r\\nshop 🛒."\nops: !!map {replicas: !!int "3"}\n`,
    );
    expect(brief.description).toBe('An\tonline\r\nshop 🛒.');
    expect(brief.ops?.replicas).toBe(3);
  });

  it('reports every YAML problem at once, in file order', () => {
    const error = failure(`${base}description: "x\\u0000"\nops: !!omap [replicas: 99999]\nuses: !!set {a}\n`);
    expect(error.code).toBe('E_BRIEF_CONTROL_CHAR');
    expect(error.issues.map((i) => [i.code, i.line])).toEqual([
      ['E_BRIEF_CONTROL_CHAR', 4],
      ['E_BRIEF_YAML_TYPE', 5],
      ['E_BRIEF_YAML_TYPE', 6],
    ]);
  });

  const deep = (n: number) => `${base}description: x\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  it.each([
    ['300,000 unclosed `[`', `${base}description: x\nx: ${'['.repeat(300_000)}`, [5, 67]],
    ['300,000 balanced `[…]`', deep(300_000), [5, 67]],
    ['200,000 `{a: `', `${base}description: x\nx: ${'{a: '.repeat(200_000)}`, [5, 256]],
    ['300,000 compact `- `', `${base}description: x\nx:\n${'- '.repeat(300_000)}1\n`, [6, 127]],
    [
      '1,000 indented mappings',
      `${base}description: x\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`,
      [69, 65],
    ],
  ])('refuses %s quickly, located where the nesting passes the limit', (_case, text, [line, column]) => {
    const started = process.cpuUsage();
    const error = failure(text);
    const ms = cpuMsSince(started);
    expect(error.code).toBe('E_BRIEF_TOO_DEEP');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ line, column, file: 'brief.qlf.yaml' });
    expect(error.issues[0]?.message).toMatch(/nest deeper than 64 levels/);
    expect(error.issues[0]?.hint).toMatch(/at most 64/);
    expect(ms).toBeLessThan(250);
  });

  it('reads nesting up to the limit (the schema then judges it)', () => {
    // `x` is one level, its value 63 more: 64 in all.
    expect(failure(deep(63)).code).toBe('E_BRIEF_SCHEMA');
    expect(failure(deep(64)).code).toBe('E_BRIEF_TOO_DEEP');
  });

  it('refuses a 5 MB brief before parsing it', () => {
    const text = `${head}name: big\ndescription: "${'a'.repeat(5 * 1024 * 1024)}"\n`;
    const started = process.cpuUsage();
    const error = failure(text);
    expect(error.code).toBe('E_BRIEF_TOO_LARGE');
    expect(error.message).toContain(String(MAX_BRIEF_BYTES));
    expect(cpuMsSince(started)).toBeLessThan(1000);
  });
});

describe('briefFromSentence', () => {
  it.each([
    ['Build a HIPAA-compliant patient data API', 'patient-data-api'],
    ['Create a PCI-compliant payment processing API with fraud detection', 'payment-processing-api'],
    ['An online shop for handmade furniture', 'online-shop'],
    ['!!!', 'service'],
    ["We don't handle payments. A volunteer signup form.", 'payments'],
    ['Inventory tool.\n\n- Widgets: name', 'inventory-tool'],
  ])('names %j as %s', (sentence, name) => {
    expect(nameFromSentence(sentence)).toBe(name);
  });

  it('makes a valid brief and refuses an empty sentence', () => {
    expect(briefFromSentence('Build a HIPAA-compliant patient data API').description).toContain('HIPAA');
    expect(() => briefFromSentence('   ')).toThrow(QlfError);
  });
});
