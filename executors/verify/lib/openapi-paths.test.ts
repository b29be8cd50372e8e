import { describe, expect, it } from 'vitest';
import { compareOperations, normalisePath } from './openapi-paths.js';

describe('normalisePath', () => {
  it.each([
    ['/items/{item_id}', '/items/{}'],
    ['/items/{id}/', '/items/{}'],
    ['/', '/'],
    ['/a/{x}/b/{y}', '/a/{}/b/{}'],
  ])('%s → %s', (path, expected) => {
    expect(normalisePath(path)).toBe(expected);
  });
});

describe('compareOperations', () => {
  it('matches operations regardless of parameter names and lists both differences', () => {
    const declared = { paths: { '/items/{item_id}': { get: {}, delete: {} }, '/health': { get: {}, parameters: [] } } };
    const served = { paths: { '/items/{id}': { get: {} }, '/health': { get: {} }, '/extra': { post: {} } } };
    expect(compareOperations(declared, served)).toEqual({
      notServed: [{ operation: 'DELETE /items/{}', path: '/items/{item_id}' }],
      undocumented: [{ operation: 'POST /extra', path: '/extra' }],
    });
  });
});
