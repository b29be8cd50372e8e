// Staged writes: nothing shows at a target before its commit, committed files hold their content and mode, and
// what was not committed leaves no temp file behind.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageFiles } from './staged-writes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-staged-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Every file under `dir`, relative, sorted. */
async function files(): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('stageFiles', () => {
  it('writes nothing visible until each file is committed, then the content and mode', async () => {
    await writeFile(join(dir, 'a.txt'), 'old\n');
    const staged = await stageFiles([
      { target: join(dir, 'a.txt'), content: 'new\n', mode: 0o644 },
      { target: join(dir, 'bin', 'run.sh'), content: '#!/bin/sh\n', mode: 0o755 },
    ]);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('old\n');
    expect((await files()).filter((f) => !f.endsWith('.qlf-tmp'))).toEqual(['a.txt']);
    await staged.commit(join(dir, 'a.txt'));
    await staged.commit(join(dir, 'bin', 'run.sh'));
    await staged.discard();
    expect(await files()).toEqual(['a.txt', 'bin/run.sh']);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('new\n');
    expect((await stat(join(dir, 'bin', 'run.sh'))).mode & 0o111).not.toBe(0);
  });

  it('removes what was staged and not committed', async () => {
    const many = Array.from({ length: 70 }, (_, i) => ({
      target: join(dir, `f${i}.txt`),
      content: `${i}\n`,
      mode: 0o644,
    }));
    const staged = await stageFiles(many);
    await staged.commit(join(dir, 'f3.txt'));
    await staged.discard();
    expect(await files()).toEqual(['f3.txt']);
    await expect(staged.commit(join(dir, 'f4.txt'))).rejects.toThrow('was not staged');
  });

  it('leaves no temp file when staging fails', async () => {
    await writeFile(join(dir, 'blocker'), 'a file where a folder should be\n');
    await expect(
      stageFiles([
        { target: join(dir, 'ok.txt'), content: 'ok\n', mode: 0o644 },
        { target: join(dir, 'blocker', 'x.txt'), content: 'x\n', mode: 0o644 },
      ]),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
    expect(await files()).toEqual(['blocker']);
  });
});
