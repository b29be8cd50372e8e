import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBriefYaml } from '../core/brief-yaml.js';
import { isQlfError, type QlfError } from '../core/errors.js';
import { assertUniqueNames, briefHeadOf, findBriefFiles, isBriefFile, readBriefRef, readBriefText } from './briefs.js';
import { loadConfig } from './config.js';

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A folder with `files` (relative path → text) and, when given, a `qlf.config.json`. */
async function folder(files: Record<string, string>, config?: object): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'qlf-briefs-'));
  made.push(root);
  if (config) files = { ...files, 'qlf.config.json': JSON.stringify(config) };
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected an error');
    },
    (error: unknown) => {
      if (!isQlfError(error)) throw error;
      return error;
    },
  );

describe('findBriefFiles', () => {
  const layout = {
    'briefs/a/brief.qlf.yaml': 'name: a\n',
    'briefs/b/brief.qlf.yaml': 'name: b\n',
    'briefs/b/deeper/brief.qlf.yaml': 'name: c\n',
    'node_modules/x/briefs/d/brief.qlf.yaml': 'name: d\n',
    'drafts/loose.yaml': 'name: loose\n',
    'empty/README.md': 'nothing here\n',
  };

  it.each([
    ['every brief of the workspace', [], ['briefs/a', 'briefs/b', 'briefs/b/deeper']],
    ['the root itself', ['.'], ['briefs/a', 'briefs/b', 'briefs/b/deeper']],
    // the globs are anchored at the root: a folder selects the workspace's briefs under it
    ['a folder', ['briefs/b'], ['briefs/b', 'briefs/b/deeper']],
    ['a file, as given', ['drafts/loose.yaml'], ['drafts/loose.yaml']],
    ['folders and files, each once', ['briefs/a', 'briefs/a/brief.qlf.yaml'], ['briefs/a']],
  ])('%s', async (_, paths, expected) => {
    const root = await folder(layout, { briefs: ['briefs/**/brief.qlf.yaml'] });
    const files = await findBriefFiles(await loadConfig(root), { paths, cwd: root });
    const want = expected.map((p) => join(root, p.endsWith('.yaml') ? p : `${p}/brief.qlf.yaml`));
    expect(files).toEqual(want.sort());
  });

  it('searches a folder outside the workspace with the globs from there', async () => {
    const root = await folder({}, {});
    const outside = await folder({ 'x/brief.qlf.yaml': 'name: x\n', 'node_modules/y/brief.qlf.yaml': 'name: y\n' });
    expect(await findBriefFiles(await loadConfig(root), { paths: [outside], cwd: root })).toEqual([
      join(outside, 'x', 'brief.qlf.yaml'),
    ]);
  });

  it('leaves out the extra ignore globs', async () => {
    const root = await folder(layout, {});
    const files = await findBriefFiles(await loadConfig(root), { ignore: ['briefs/b/**'] });
    expect(files).toEqual([join(root, 'briefs/a/brief.qlf.yaml')]);
  });

  it.each([
    ['a path that does not exist', ['nope.yaml'], 'E_BRIEF_NOT_FOUND', 'no such brief file or folder: nope.yaml'],
    ['a folder without briefs', ['empty'], 'E_NO_BRIEFS', 'no briefs found under empty'],
    ['a folder of ignored briefs', ['node_modules'], 'E_NO_BRIEFS', 'no briefs found under node_modules'],
  ])('refuses %s', async (_, paths, code, message) => {
    const root = await folder(layout, {});
    const error = await failure(findBriefFiles(await loadConfig(root), { paths, cwd: root }));
    expect(error).toMatchObject({ code, kind: 'input', message });
    expect(error.hint).toBeTruthy();
  });

  it('finds nothing in an empty workspace without complaint', async () => {
    const root = await folder({}, {});
    expect(await findBriefFiles(await loadConfig(root))).toEqual([]);
  });
});

describe('isBriefFile', () => {
  it('matches the briefs globs minus ignore', async () => {
    const root = await folder({}, { briefs: ['briefs/**/brief.qlf.yaml'] });
    const config = await loadConfig(root);
    expect(isBriefFile(config, join(root, 'briefs/a/brief.qlf.yaml'))).toBe(true);
    expect(isBriefFile(config, join(root, 'other/a/brief.qlf.yaml'))).toBe(false);
    expect(isBriefFile(config, join(root, 'briefs/node_modules/a/brief.qlf.yaml'))).toBe(false);
  });
});

describe('readBriefText', () => {
  it('refuses a missing, oversized or binary file, with its place', async () => {
    const root = await folder({ 'big.yaml': `description: ${'x'.repeat(1024 * 1024)}\n` });
    await writeFile(join(root, 'binary.yaml'), Buffer.from('name: a\ndescription: \xff\n', 'latin1'));
    expect(await failure(readBriefText(join(root, 'missing.yaml'), 'missing.yaml'))).toMatchObject({
      code: 'E_BRIEF_NOT_FOUND',
      message: 'cannot read brief missing.yaml',
    });
    expect((await failure(readBriefText(join(root, 'big.yaml'), 'big.yaml'))).code).toBe('E_BRIEF_TOO_LARGE');
    const binary = await failure(readBriefText(join(root, 'binary.yaml'), 'binary.yaml'));
    expect(binary.issues[0]).toMatchObject({ code: 'E_BRIEF_BINARY', file: 'binary.yaml', line: 2, column: 14 });
  });
});

describe('readBriefRef', () => {
  it('reads name and uses (each once, sorted)', async () => {
    const root = await folder({ 'a/brief.qlf.yaml': 'name: a\nuses: [c, b, c, 7]\ndescription: x\n' });
    expect(await readBriefRef(join(root, 'a/brief.qlf.yaml'), root)).toEqual({
      name: 'a',
      file: join(root, 'a/brief.qlf.yaml'),
      uses: ['b', 'c'],
    });
  });

  it.each([
    ['no name', 'description: nameless\n', { line: 1, column: 1, message: 'the brief has no `name`' }],
    ['an empty name', 'description: x\nname: ""\n', { line: 2, column: 7, message: '`name` is empty' }],
    ['a name that is a number', 'name: 42\n', { line: 1, column: 7, message: '`name` is a number, not a text' }],
    ['a name that is a list', 'name:\n  - a\n', { line: 2, column: 3, message: '`name` is a list, not a text' }],
  ])('refuses %s as E_BRIEF_NAME at its place', async (_, text, place) => {
    const root = await folder({ 'a/brief.qlf.yaml': text });
    const error = await failure(readBriefRef(join(root, 'a/brief.qlf.yaml'), root));
    expect(error.code).toBe('E_BRIEF_NAME');
    expect(error.issues[0]).toMatchObject({ code: 'E_BRIEF_NAME', file: 'a/brief.qlf.yaml', ...place });
    expect(error.issues[0]?.hint).toContain('name: my-service');
  });

  it('reports broken YAML with compile’s code and place', async () => {
    const root = await folder({ 'a/brief.qlf.yaml': 'name: a\ndescription: [oops\n' });
    const error = await failure(readBriefRef(join(root, 'a/brief.qlf.yaml'), root));
    expect(error.code).toBe('E_BRIEF_YAML');
    expect(error.issues[0]).toMatchObject({ file: 'a/brief.qlf.yaml', line: expect.any(Number) });
  });
});

describe('briefHeadOf', () => {
  it('gives name, uses and overlays with where each is', () => {
    const head = briefHeadOf(parseBriefYaml('kind: Brief\nname: shop\nuses: [pay, ship, pay]\noverlays: [gdpr]\n'));
    expect(head).toMatchObject({ name: 'shop', uses: ['pay', 'ship'], overlays: ['gdpr'] });
    expect(head.at.name).toEqual({ line: 2, column: 7 });
    expect(Object.fromEntries(head.at.uses)).toEqual({ pay: { line: 3, column: 8 }, ship: { line: 3, column: 13 } });
  });

  it('never throws on data that is not a brief', () => {
    expect(briefHeadOf(parseBriefYaml('- a\n- b\n'))).toEqual({ uses: [], overlays: [], at: { uses: new Map() } });
    const head = briefHeadOf(parseBriefYaml('name: [x]\nuses: payments\n'));
    expect([head.name, head.uses, head.at.name]).toEqual([undefined, [], { line: 1, column: 7 }]);
  });
});

describe('assertUniqueNames', () => {
  it('names both files of a duplicate name', () => {
    let error: QlfError | undefined;
    try {
      assertUniqueNames(
        [
          { name: 'a', file: '/ws/x/brief.qlf.yaml' },
          { name: 'b', file: '/ws/y/brief.qlf.yaml' },
          { name: 'a', file: '/ws/z/brief.qlf.yaml' },
        ],
        '/ws',
      );
    } catch (caught) {
      error = caught as QlfError;
    }
    expect(error).toMatchObject({
      code: 'E_BRIEF_DUPLICATE',
      message: 'two briefs are named "a": x/brief.qlf.yaml and z/brief.qlf.yaml',
    });
  });
});
