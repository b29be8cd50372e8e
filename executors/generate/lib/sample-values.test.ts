import { describe, expect, it } from 'vitest';
import { pyLiteral, sampleForPattern } from './sample-values.js';

describe('sampleForPattern', () => {
  it.each([
    ['^MRN[0-9]{6}$', 0, 'MRN000000'],
    ['^MRN[0-9]{6}$', 7, 'MRN000007'],
    ['^[A-Z]{3}$', 1, 'AAB'],
    ['^\\d+-x$', 3, '3-x'],
  ])('%s variant %i → %s', (pattern, n, expected) => {
    expect(sampleForPattern(pattern, n)).toBe(expected);
    expect(new RegExp(pattern).test(expected)).toBe(true);
  });

  it('gives up on alternations and groups', () => {
    expect(sampleForPattern('^(a|b)$', 0)).toBeUndefined();
  });
});

describe('pyLiteral', () => {
  it('writes Python literals with sorted keys', () => {
    expect(pyLiteral({ b: true, a: null, c: 'x"y', d: 1.5, e: { z: false } })).toBe(
      '{"a": None, "b": True, "c": "x\\"y", "d": 1.5, "e": {"z": False}}',
    );
  });
});
