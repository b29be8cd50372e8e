import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isOwnWrite, noteOwnWrite } from './own-writes.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('own writes', () => {
  it('recognises the write this process made, not a later save or a file it never wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qlf-own-'));
    dirs.push(dir);
    const file = join(dir, 'a.py');
    await writeFile(file, 'A = 1\n');
    expect(isOwnWrite(file)).toBe(false);
    noteOwnWrite(file);
    expect(isOwnWrite(file)).toBe(true);
    await writeFile(file, 'A = 22\n'); // the user saves: another size, mtime or ctime
    expect(isOwnWrite(file)).toBe(false);
    await rm(file);
    noteOwnWrite(file);
    expect(isOwnWrite(file)).toBe(true); // removed by qlf, still gone
    await writeFile(file, 'A = 3\n');
    expect(isOwnWrite(file)).toBe(false);
  });
});
