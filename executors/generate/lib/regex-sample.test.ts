import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findPython } from '../../../core/python.js';
import { sampleRegex } from './regex-sample.js';

const PATTERNS = [
  '^(USD|EUR|GBP)-\\d{2}$',
  '^[A-Z]{2}-(\\d{4}|X{2})$',
  '^(?:\\+?1-)?\\d{3}-\\d{4}$',
  '^[^@\\s]+@[^@\\s]+\\.(com|org)$',
  '^(?P<area>\\d{3})\\.(?P<line>\\d{4})$',
  '^v\\d+(\\.\\d+){2}(-rc\\d)?$',
  '^[a-z0-9_-]{3,16}$',
  '^(ab)+c?$',
  '^.{2,5}$',
];

describe('sampleRegex', () => {
  it.each(PATTERNS)('%s: 8 distinct variants, each a full match', (pattern) => {
    const matcher = new RegExp(`^(?:${pattern.replace(/\(\?P</g, '(?<')})$`, 'u');
    const variants = Array.from({ length: 8 }, (_, n) => sampleRegex(pattern, n));
    for (const value of variants) expect(value !== undefined && matcher.test(value), String(value)).toBe(true);
    expect(new Set(variants).size).toBe(8);
  });

  it('is deterministic, and variant 0 takes the first choices', () => {
    expect(sampleRegex('^(USD|EUR|GBP)$', 0)).toBe('USD');
    expect(new Set([0, 1, 2].map((n) => sampleRegex('^(USD|EUR|GBP)$', n)))).toEqual(new Set(['USD', 'EUR', 'GBP']));
    expect(sampleRegex('^[A-Z]{2}-(\\d{4}|X{2})$', 0)).toBe('AA-0000');
    expect(sampleRegex('^(?:\\+?1-)?\\d{3}-\\d{4}$', 5)).toBe(sampleRegex('^(?:\\+?1-)?\\d{3}-\\d{4}$', 5));
  });

  it('returns undefined for lookarounds and backreferences; repeats when a pattern has fewer strings', () => {
    expect(sampleRegex('^(?=.*\\d)\\w+$', 0)).toBeUndefined();
    expect(sampleRegex('^(a)\\1$', 0)).toBeUndefined();
    expect([0, 1, 2].map((n) => sampleRegex('^(a|b)$', n))).toEqual(['a', 'b', 'a']);
  });

  it('samples that Python’s re module accepts as full matches', async () => {
    const python = await findPython();
    if (!python) {
      console.warn('skipped: Python’s re check (no Python found)');
      return;
    }
    const cases = PATTERNS.flatMap((pattern) => [0, 3, 7].map((n) => [pattern, sampleRegex(pattern, n)]));
    const script = 'import json, re, sys\nprint(all(re.fullmatch(p, v) for p, v in json.load(sys.stdin)))';
    const result = spawnSync(python.path, ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(result.stdout.trim(), result.stderr).toBe('True');
  });
});
