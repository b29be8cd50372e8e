import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QlfError } from './errors.js';
import { resolveInside } from './safe-path.js';

describe('resolveInside', () => {
  const root = '/work/out';

  it.each(['app/main.py', 'a/b/../c.txt', 'README.md'])('accepts %s', (rel) => {
    expect(resolveInside(root, rel).startsWith(`${root}/`)).toBe(true);
  });

  it.each(['../../etc/passwd', '/etc/passwd', '..', '.', 'a/../../b', 'x\0y'])('refuses %j', (rel) => {
    expect(() => resolveInside(root, rel)).toThrow(QlfError);
  });

  it('resolves to the joined path', () => {
    expect(resolveInside(root, 'app/main.py')).toBe(join(root, 'app/main.py'));
  });
});
