import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../core/never-shipped.js';
import type { GeneratedTree } from '../../../schemas/generated-tree.js';
import { type FileWriter, type MergeReport, mergeIntoWorkingCopy } from './working-copy-merge.js';

const MODELS_V1 = [
  'class Customer:',
  '    email: str',
  '    name: str',
  '',
  '',
  'def helper():',
  '    return 1',
  '',
].join('\n');
// The brief gained a field: the generator's change is near the top of the file.
const MODELS_V2 = MODELS_V1.replace('    name: str\n', '    name: str\n    phone: str\n');

function tree(files: Record<string, string>, modes: Record<string, number> = {}): GeneratedTree {
  return {
    name: 'shop',
    files: Object.entries(files).map(([path, content]) => ({ path, content, agent: 'test', mode: modes[path] })),
    agents: [],
  };
}

const empty: MergeReport = {
  written: [],
  unchanged: [],
  merged: [],
  conflicts: [],
  keptDeleted: [],
  removed: [],
  kept: [],
};

let root: string;
let service: string;
let base: string;

/**
 * Merges `next` into the working copy. The "IR" recorded in the lock is the tree's own files, so generating it again
 * (what a machine without the local base does) gives back exactly that tree.
 */
async function writeGeneratedTree(
  next: GeneratedTree,
  serviceDir: string,
  baseDir: string,
  options: { writeFile?: FileWriter } = {},
) {
  const ir = {
    files: Object.fromEntries(next.files.map((f) => [f.path, f.content])),
    modes: Object.fromEntries(next.files.map((f) => [f.path, f.mode])),
  };
  const outcome = await mergeIntoWorkingCopy(next, serviceDir, {
    localBase: baseDir,
    ir,
    generator: { qlf: 'test', provider: 'templates' },
    regenerate: async (recorded) =>
      tree(recorded.files as Record<string, string>, recorded.modes as Record<string, number>),
    writeFile: options.writeFile,
  });
  return outcome.report;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qlf-write-tree-'));
  service = join(root, 'dist', 'shop', 'service');
  base = join(root, '.qlf', 'base', 'shop');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const read = (dir: string, path: string) => readFile(join(dir, path), 'utf8');

describe('mergeIntoWorkingCopy', () => {
  it('writes a first generation and records it as the base', async () => {
    const report = await writeGeneratedTree(
      tree({ 'app/models.py': MODELS_V1, 'run.sh': '#!/bin/sh\n' }, { 'run.sh': 0o755 }),
      service,
      base,
    );
    expect(report).toEqual({ ...empty, written: ['app/models.py', 'run.sh'] });
    expect(await read(service, 'app/models.py')).toBe(MODELS_V1);
    expect(await read(base, 'app/models.py')).toBe(MODELS_V1);
    expect((await stat(join(service, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(service, 'app/models.py'))).mode & 0o777).toBe(0o644);
  });

  it('reports an untouched regeneration as unchanged', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1 }), service, base);
    const report = await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1 }), service, base);
    expect(report).toEqual({ ...empty, unchanged: ['app/models.py'] });
  });

  it('takes the new version of a file the user did not edit', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1 }), service, base);
    const report = await writeGeneratedTree(tree({ 'app/models.py': MODELS_V2 }), service, base);
    expect(report).toEqual({ ...empty, written: ['app/models.py'] });
    expect(await read(service, 'app/models.py')).toBe(MODELS_V2);
  });

  it('merges a generator change and a user edit in different regions of the same file', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1 }), service, base);
    const edited = MODELS_V1.replace('    return 1\n', '    return 42  # tuned by hand\n');
    await writeFile(join(service, 'app/models.py'), edited);
    const report = await writeGeneratedTree(tree({ 'app/models.py': MODELS_V2 }), service, base);
    expect(report).toEqual({ ...empty, merged: ['app/models.py'] });
    const merged = await read(service, 'app/models.py');
    expect(merged).toContain('    phone: str\n');
    expect(merged).toContain('    return 42  # tuned by hand\n');
    expect(merged).not.toContain('<<<<<<<');
    expect(await read(base, 'app/models.py')).toBe(MODELS_V2);
  });

  it('writes conflict markers and reports overlapping edits', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1 }), service, base);
    await writeFile(join(service, 'app/models.py'), MODELS_V1.replace('    name: str\n', '    name: bytes\n'));
    const report = await writeGeneratedTree(tree({ 'app/models.py': MODELS_V2 }), service, base);
    expect(report).toEqual({ ...empty, conflicts: ['app/models.py'] });
    const content = await read(service, 'app/models.py');
    expect(content).toContain(
      '<<<<<<< yours\n    name: bytes\n||||||| base\n    name: str\n=======\n    name: str\n    phone: str\n>>>>>>> generated\n',
    );
    // Generating again before the markers are resolved would nest them: refuse, and change nothing.
    await expect(
      writeGeneratedTree(tree({ 'app/models.py': MODELS_V2.replace('phone', 'mobile') }), service, base),
    ).rejects.toMatchObject({ code: 'E_UNRESOLVED_CONFLICT' });
    expect(await read(service, 'app/models.py')).toBe(content);
  });

  it('keeps a user edit when the generated file did not change', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1, 'b.txt': 'b\n' }), service, base);
    await writeFile(join(service, 'app/models.py'), 'mine\n');
    const report = await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1, 'b.txt': 'B\n' }), service, base);
    expect(report).toEqual({ ...empty, written: ['b.txt'], kept: ['app/models.py'] });
    expect(await read(service, 'app/models.py')).toBe('mine\n');
  });

  it('keeps a file the user deleted deleted, and leaves files only the user has alone', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1, 'README.md': '# shop\n' }), service, base);
    await rm(join(service, 'README.md'));
    await writeFile(join(service, 'app/custom.py'), 'print("mine")\n');
    const report = await writeGeneratedTree(
      tree({ 'app/models.py': MODELS_V2, 'README.md': '# shop v2\n' }),
      service,
      base,
    );
    expect(report).toEqual({ ...empty, written: ['app/models.py'], keptDeleted: ['README.md'] });
    expect(await readdir(service)).toEqual(['app', LOCK_FILE]);
    expect(await read(service, 'app/custom.py')).toBe('print("mine")\n');
    expect(await read(base, 'README.md')).toBe('# shop v2\n');
  });

  it('removes dropped files the user never edited and keeps the ones they edited', async () => {
    await writeGeneratedTree(
      tree({ 'app/models.py': MODELS_V1, 'app/old/a.py': 'a\n', 'app/old/b.py': 'b\n' }),
      service,
      base,
    );
    await writeFile(join(service, 'app/old/b.py'), 'b edited\n');
    const report = await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1 }), service, base);
    expect(report).toEqual({
      ...empty,
      unchanged: ['app/models.py'],
      removed: ['app/old/a.py'],
      kept: ['app/old/b.py'],
    });
    expect(await readdir(join(service, 'app/old'))).toEqual(['b.py']);
    expect(await readdir(base, { recursive: true })).toEqual(['app', 'app/models.py']);
  });

  it('starts afresh when the whole service folder was deleted', async () => {
    await writeGeneratedTree(tree({ 'a.txt': 'a\n', 'b.txt': 'b\n' }), service, base);
    await rm(service, { recursive: true });
    const report = await writeGeneratedTree(tree({ 'a.txt': 'a2\n', 'b.txt': 'b\n' }), service, base);
    expect(report).toEqual({ ...empty, written: ['a.txt', 'b.txt'] });
    expect(await read(service, 'a.txt')).toBe('a2\n');
  });

  it('removes folders a dropped file leaves empty', async () => {
    await writeGeneratedTree(tree({ 'a.txt': 'a\n', 'gone/deep/x.txt': 'x\n' }), service, base);
    await writeGeneratedTree(tree({ 'a.txt': 'a\n' }), service, base);
    expect(await readdir(service)).toEqual(['a.txt', LOCK_FILE]);
  });

  it('finishes a merge that a failed write stopped part-way on the next run, losing no edit', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1, 'b.txt': 'b\n' }), service, base);
    await writeFile(join(service, 'mine.txt'), 'mine\n');
    await writeFile(join(service, 'app/models.py'), MODELS_V1.replace('return 1', 'return 2'));
    const next = tree({ 'app/models.py': MODELS_V2, 'b.txt': 'B\n', 'c.txt': 'c\n' });
    const lockBefore = await read(service, LOCK_FILE);
    for (const failAt of [1, 2, 3]) {
      let calls = 0;
      const failing: FileWriter = async (absPath, content) => {
        calls += 1;
        if (calls === failAt) throw new Error(`disk full (write ${calls})`);
        await writeFile(absPath, content);
      };
      await expect(writeGeneratedTree(next, service, base, { writeFile: failing })).rejects.toThrow('disk full');
      // The lock is written last: the next run still merges against the old base.
      expect(await read(service, LOCK_FILE)).toBe(lockBefore);
      expect(await read(service, 'mine.txt')).toBe('mine\n');
      // No temp files are left beside the written ones.
      expect((await readdir(service)).filter((name) => name.endsWith('.qlf-tmp'))).toEqual([]);
    }
    await writeGeneratedTree(next, service, base);
    expect(await read(service, 'app/models.py')).toBe(MODELS_V2.replace('return 1', 'return 2'));
    expect(await read(service, 'b.txt')).toBe('B\n');
    expect(await read(service, 'c.txt')).toBe('c\n');
    expect(await read(service, 'mine.txt')).toBe('mine\n');
    expect(await read(service, LOCK_FILE)).not.toBe(lockBefore);
  });

  it('never writes over a file saved while it merges: stops, and the next run merges the save', async () => {
    await writeGeneratedTree(tree({ 'a.txt': 'a\n', 'b.txt': 'b\n' }), service, base);
    const next = tree({ 'a.txt': 'a2\n', 'b.txt': 'b2\n' });
    // The user saves b.txt just as the merge writes a.txt.
    const racing: FileWriter = async (absPath, content) => {
      await writeFile(absPath, content);
      if (absPath.endsWith('a.txt')) await writeFile(join(service, 'b.txt'), 'mine\n');
    };
    await expect(writeGeneratedTree(next, service, base, { writeFile: racing })).rejects.toMatchObject({
      code: 'E_SOURCE_CHANGED',
    });
    expect(await read(service, 'b.txt')).toBe('mine\n');
    const report = await writeGeneratedTree(next, service, base);
    expect(report).toMatchObject({ unchanged: ['a.txt'], conflicts: ['b.txt'] });
    expect(await read(service, 'b.txt')).toBe('<<<<<<< yours\nmine\n||||||| base\nb\n=======\nb2\n>>>>>>> generated\n');
  });

  it.each([['../escape.txt'], ['/etc/passwd'], ['a/./b'], ['a\\b'], ['']])(
    'refuses the unsafe path %j before touching anything',
    async (path) => {
      await expect(writeGeneratedTree(tree({ [path]: 'x' }), service, base)).rejects.toMatchObject({
        code: 'E_GENERATED_PATH',
      });
      await expect(stat(service)).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );

  it('refuses to write through a symlink the user put in the service folder', async () => {
    await writeGeneratedTree(tree({ 'app/models.py': MODELS_V1 }), service, base);
    await rm(join(service, 'app'), { recursive: true });
    await symlink(root, join(service, 'app'));
    await expect(writeGeneratedTree(tree({ 'app/models.py': MODELS_V2 }), service, base)).rejects.toMatchObject({
      code: 'E_SERVICE_PATH',
    });
    // Through the link the file would have landed in the workspace root.
    await expect(stat(join(root, 'models.py'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('mergeIntoWorkingCopy without a lock', () => {
  it('treats a differing file as a conflict holding both versions, and an identical one as unchanged', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qlf-write-tree-nobase-'));
    try {
      const service = join(root, 'service');
      const base = join(root, 'base');
      await writeGeneratedTree(tree({ 'a.txt': 'old\n', 'same.txt': 'same\n' }), service, base);
      await writeFile(join(service, 'a.txt'), 'mine\n');
      await rm(join(service, LOCK_FILE));
      const report = await writeGeneratedTree(tree({ 'a.txt': 'new\n', 'same.txt': 'same\n' }), service, base);
      expect(report).toEqual({ ...empty, conflicts: ['a.txt'], unchanged: ['same.txt'] });
      expect(await readFile(join(service, 'a.txt'), 'utf8')).toBe(
        '<<<<<<< yours\nmine\n||||||| base\n=======\nnew\n>>>>>>> generated\n',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
