import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceDirAtomic, writeFileAtomic } from './atomic-fs.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qlf-atomic-'));
}

describe('writeFileAtomic', () => {
  it('writes the file and leaves no temp file behind', async () => {
    const dir = await tempDir();
    await writeFileAtomic(join(dir, 'a/b.txt'), 'hello');
    expect(await readFile(join(dir, 'a/b.txt'), 'utf8')).toBe('hello');
    expect(await readdir(join(dir, 'a'))).toEqual(['b.txt']);
  });
});

describe('replaceDirAtomic', () => {
  it('swaps in the new tree', async () => {
    const dir = await tempDir();
    const target = join(dir, 'out');
    await replaceDirAtomic(target, async (tmp) => writeFile(join(tmp, 'one.txt'), '1'));
    await replaceDirAtomic(target, async (tmp) => writeFile(join(tmp, 'two.txt'), '2'));
    expect(await readdir(target)).toEqual(['two.txt']);
    expect(await readdir(dir)).toEqual(['out']);
  });

  it('keeps the old tree when filling fails', async () => {
    const dir = await tempDir();
    const target = join(dir, 'out');
    await replaceDirAtomic(target, async (tmp) => writeFile(join(tmp, 'old.txt'), 'old'));
    await expect(
      replaceDirAtomic(target, async (tmp) => {
        await writeFile(join(tmp, 'half.txt'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readdir(target)).toEqual(['old.txt']);
    expect(await readdir(dir)).toEqual(['out']);
  });
});
