import { chmod, mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stampOf, stampTree, treeUnchanged } from './file-stamp.js';

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A folder `out/` with two files, one of them nested, stamped. */
async function stamped() {
  const root = await mkdtemp(join(tmpdir(), 'qlf-stamp-'));
  temps.push(root);
  const out = join(root, 'out');
  await mkdir(join(out, 'app'), { recursive: true });
  await writeFile(join(out, 'README.md'), 'hello\n');
  await writeFile(join(out, 'app', 'main.py'), 'print(1)\n');
  return { root, out, stamp: stampTree(out) };
}

describe('stat stamps', () => {
  it('stamps a folder with everything under it, and an absent path as absent', async () => {
    const { root, out, stamp } = await stamped();
    expect(stamp.paths).toEqual(['', 'README.md', 'app', 'app/main.py']);
    expect(treeUnchanged(out, stamp)).toBe(true);
    expect(stampTree(join(root, 'missing')).paths).toEqual(['']);
    expect(stampOf(join(root, 'missing'))).toBe('absent');
    expect(treeUnchanged(join(root, 'missing'), stampTree(join(root, 'missing')))).toBe(true);
  });

  const changes: [string, (out: string, root: string) => Promise<void>][] = [
    ['a same-size rewrite', (out) => writeFile(join(out, 'app', 'main.py'), 'print(2)\n')],
    ['a file deleted', (out) => rm(join(out, 'README.md'))],
    ['a file added in a subfolder', (out) => writeFile(join(out, 'app', 'extra.py'), '')],
    [
      'a file replaced by rename',
      async (out, root) => {
        await writeFile(join(root, 'new.md'), 'hello\n');
        await rename(join(root, 'new.md'), join(out, 'README.md'));
      },
    ],
    ['a chmod', (out) => chmod(join(out, 'README.md'), 0o600)],
    [
      'mtime set back by touch',
      async (out) => {
        await writeFile(join(out, 'README.md'), 'hallo\n');
        await utimes(join(out, 'README.md'), new Date(2000, 0, 1), new Date(2000, 0, 1));
      },
    ],
    ['the whole folder removed', (out) => rm(out, { recursive: true })],
  ];
  it.each(changes)('notices %s', async (_name, change) => {
    const { root, out, stamp } = await stamped();
    // Kernels before 6.13 advance file times once per tick (up to 10 ms): a same-size rewrite within the tick of the
    // stamp would keep every field (git calls such a file racily clean). Real edits come later than that.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await change(out, root);
    expect(treeUnchanged(out, stamp)).toBe(false);
  });
});
