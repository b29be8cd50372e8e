import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocRejection } from './rejection.js';
import { assertWritableInside } from './writable-path.js';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'qlf-soc-')));
  root = join(base, 'service');
  outside = join(base, 'elsewhere');
  await mkdir(join(root, 'app/domain'), { recursive: true });
  await mkdir(join(root, 'app/pricing'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(root, 'app/domain/rules.py'), 'RATE = 0.2\n');
  await writeFile(join(root, 'app/main.py'), '');
  // A folder linked out of the tree, a link that stays inside, and a file link.
  await symlink(outside, join(root, 'app/domain/vendor'));
  await symlink(join(root, 'app/pricing'), join(root, 'app/domain/pricing'));
  await symlink(join(outside, 'x.py'), join(root, 'app/domain/linked.py'));
  await symlink(root, join(base, 'service-link'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function refusal(relPath: string, at = root): Promise<SocRejection> {
  try {
    await assertWritableInside(at, relPath);
  } catch (error) {
    if (error instanceof SocRejection) return error;
    throw error;
  }
  throw new Error(`${relPath} was accepted`);
}

describe('assertWritableInside', () => {
  it('accepts an existing file, a new file and a file in new folders', async () => {
    expect(await assertWritableInside(root, 'app/domain/rules.py')).toBe(join(root, 'app/domain/rules.py'));
    expect(await assertWritableInside(root, 'app/domain/new.py')).toBe(join(root, 'app/domain/new.py'));
    expect(await assertWritableInside(root, 'app/domain/a/b/c.py')).toBe(join(root, 'app/domain/a/b/c.py'));
  });

  it('accepts a root that is itself reached through a link, and answers with its real path', async () => {
    expect(await assertWritableInside(join(base, 'service-link'), 'app/domain/new.py')).toBe(
      join(root, 'app/domain/new.py'),
    );
  });

  it.each([
    ['a folder linked outside the root', 'app/domain/vendor/evil.py', /vendor is a symbolic link/],
    ['a folder linked inside the root', 'app/domain/pricing/x.py', /pricing is a symbolic link/],
    ['a file link', 'app/domain/linked.py', /linked.py is a symbolic link/],
    ['a file where a folder is needed', 'app/main.py/x.py', /app\/main.py exists and is not a folder/],
    ['a folder where the file goes', 'app/domain', /is a folder/],
    ['a path that climbs out', '../elsewhere/x.py', /".." segment/],
  ])('refuses %s', async (_name, relPath, message) => {
    const error = await refusal(relPath);
    expect(error.code).toBe('E_SOC_PATH');
    expect(error.message).toMatch(message);
  });
});
