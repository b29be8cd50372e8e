// Brief loading: every kind of bad input gives one located input error with a hint; sentences become briefs.
import { describe, expect, it } from 'vitest';
import { QlfError } from '../../../core/errors.js';
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

  it('refuses a 5 MB brief before parsing it', () => {
    const text = `${head}name: big\ndescription: "${'a'.repeat(5 * 1024 * 1024)}"\n`;
    const started = Date.now();
    const error = failure(text);
    expect(error.code).toBe('E_BRIEF_TOO_LARGE');
    expect(error.message).toContain(String(MAX_BRIEF_BYTES));
    expect(Date.now() - started).toBeLessThan(1000);
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
