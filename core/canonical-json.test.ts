import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: 2 }, '{\n  "a": 2,\n  "b": 1\n}\n'],
    [
      { z: { y: 1, x: [{ d: 1, c: 2 }] } },
      '{\n  "z": {\n    "x": [\n      {\n        "c": 2,\n        "d": 1\n      }\n    ],\n    "y": 1\n  }\n}\n',
    ],
    [{ a: undefined, b: null }, '{\n  "b": null\n}\n'],
    [[3, 1, 2], '[\n  3,\n  1,\n  2\n]\n'],
  ])('serialises %j with sorted keys', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same bytes whatever the insertion order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('refuses numbers JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(/Infinity/);
  });
});
