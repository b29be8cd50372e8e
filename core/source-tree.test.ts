import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestSource, listSourceFiles, snapshotSource } from './source-tree.js';

let root: string;
const put = async (path: string, text = `${path}\n`) => {
  await mkdir(dirname(join(root, 'service', path)), { recursive: true });
  await writeFile(join(root, 'service', path), text);
};
const paths = async () => (await listSourceFiles(join(root, 'service'))).map((file) => file.path);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qlf-source-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('listSourceFiles', () => {
  it('leaves out caches, virtualenvs, local secrets, the lock and what the working copy’s .gitignore files ignore', async () => {
    for (const path of [
      'app/main.py',
      'app/__pycache__/main.cpython-311.pyc',
      'app/main.pyc',
      '.venv/bin/python',
      '.pytest_cache/v/cache',
      '.env',
      '.env.example',
      'qlf.lock.json',
      'app/qlf.lock.json',
      'local.db',
      'data/keep.db',
      'data/x.db',
      'docs/build/index.html',
    ]) {
      await put(path);
    }
    await put('.gitignore', '*.db\n');
    await put('data/.gitignore', '!keep.db\n');
    await put('docs/.gitignore', 'build/\n');
    expect(await paths()).toEqual([
      '.env.example',
      '.gitignore',
      'app/main.py',
      'app/qlf.lock.json',
      'data/.gitignore',
      'data/keep.db',
      'docs/.gitignore',
    ]);
  });

  it('ignores rules outside the working copy: the files that ship do not depend on where it is', async () => {
    await writeFile(join(root, '.gitignore'), 'service/\n*.py\n');
    await put('app/main.py');
    expect(await paths()).toEqual(['app/main.py']);
  });

  it('keeps only the executable bit of a mode, as git does', async () => {
    await put('run.sh', '#!/bin/sh\n');
    await put('app/main.py');
    await chmod(join(root, 'service', 'run.sh'), 0o775);
    await chmod(join(root, 'service', 'app/main.py'), 0o664);
    const files = await listSourceFiles(join(root, 'service'));
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ['app/main.py', 0o644],
      ['run.sh', 0o755],
    ]);
  });

  it('refuses a symbolic link, which could reach out of the working copy', async () => {
    await put('app/main.py');
    await symlink('/etc', join(root, 'service', 'app', 'etc'));
    await expect(listSourceFiles(join(root, 'service'))).rejects.toMatchObject({ code: 'E_SOURCE_SYMLINK' });
  });

  it('has no files for a working copy that does not exist yet', async () => {
    expect(await listSourceFiles(join(root, 'nothing'))).toEqual([]);
  });
});

describe('snapshotSource', () => {
  it('copies exactly the shipped files and gives the digest of the copies; content and the executable bit count', async () => {
    await put('app/main.py', 'print(1)\n');
    await put('app/__pycache__/x.pyc');
    const first = await snapshotSource(join(root, 'service'), join(root, 'snap1'));
    expect(first.files.map((f) => f.path)).toEqual(['app/main.py']);
    expect(first.digest).toBe(digestSource(await listSourceFiles(join(root, 'snap1'))));
    expect((await stat(join(root, 'snap1', 'app', 'main.py'))).mode & 0o777).toBe(0o644);

    await chmod(join(root, 'service', 'app', 'main.py'), 0o755);
    const executable = await snapshotSource(join(root, 'service'), join(root, 'snap2'));
    expect(executable.digest).not.toBe(first.digest);
    await chmod(join(root, 'service', 'app', 'main.py'), 0o644);
    await put('app/main.py', 'print(2)\n');
    expect((await snapshotSource(join(root, 'service'), join(root, 'snap3'))).digest).not.toBe(first.digest);
  });
});
