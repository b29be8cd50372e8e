import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinOverlayDir } from '../overlays/lib/builtin-overlay-dir.js';
import { affectedBriefs, briefsAffectedBy, isOverlayFile } from './affected.js';
import { discoverBriefs } from './discover-briefs.js';
import { makeWorkspace, removeWorkspaces } from './testing/workspace.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=qlf@example.invalid', '-c', 'user.name=qlf', ...args], { cwd, stdio: 'pipe' });

async function irWith(root: string, name: string, overlays: string[]) {
  await mkdir(join(root, 'dist', 'qlf', name), { recursive: true });
  await writeFile(
    join(root, 'dist', 'qlf', name, 'ir.json'),
    JSON.stringify({ name, overlays: { applied: overlays.map((o) => ({ name: o })) } }),
  );
}

afterAll(removeWorkspaces);

describe('affectedBriefs', () => {
  it('picks changed briefs, briefs whose applied overlay changed, and their dependents', async () => {
    const ws = await makeWorkspace(
      {
        payments: 'name: payments\n',
        orders: 'name: orders\nuses: [payments]\n',
        users: 'name: users\n',
        clinic: 'name: clinic\n',
      },
      `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], overlays: { dirs: ['my-overlays'] } })}\n`,
    );
    await ws.write('my-overlays/hospital.yaml', 'name: hospital\nversion: 1.0.0\n');
    await ws.write('.gitignore', 'dist/\n.qlf/\n');
    for (const [name, overlays] of [
      ['payments', []],
      ['orders', []],
      ['users', []],
      ['clinic', ['hospital']],
    ] as const) {
      await irWith(ws.root, name, [...overlays]);
    }
    git(ws.root, 'init', '-q', '-b', 'main');
    git(ws.root, 'add', '.');
    git(ws.root, 'commit', '-q', '-m', 'start');
    const config = await ws.config();
    expect(await affectedBriefs({ config, base: 'main' })).toEqual([]);

    // A hand edit in a working copy affects its brief (and the briefs using it).
    await ws.write('briefs/users/service/app/mine.py', 'X = 1\n');
    expect(await affectedBriefs({ config, base: 'main' })).toEqual(['users']);
    await rm(join(ws.root, 'briefs/users/service'), { recursive: true });

    await ws.write('briefs/payments/brief.qlf.yaml', 'name: payments\ndescription: changed\n');
    expect(await affectedBriefs({ config, base: 'main' })).toEqual(['orders', 'payments']);

    git(ws.root, 'checkout', '-q', '-b', 'feature');
    git(ws.root, 'commit', '-qam', 'payments');
    await ws.write('my-overlays/hospital.yaml', 'name: hospital\nversion: 1.1.0\n');
    expect(await affectedBriefs({ config, base: 'main' })).toEqual(['clinic', 'orders', 'payments']);

    await ws.write('qlf.config.json', `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'] })}\n`);
    expect(await affectedBriefs({ config, base: 'main' })).toEqual(['clinic', 'orders', 'payments', 'users']);
  });

  it('a bad base ref is an input error', async () => {
    const ws = await makeWorkspace({ a: 'name: a\n' });
    git(ws.root, 'init', '-q', '-b', 'main');
    git(ws.root, 'add', '.');
    git(ws.root, 'commit', '-q', '-m', 'start');
    await expect(affectedBriefs({ config: await ws.config(), base: 'no-such-ref' })).rejects.toMatchObject({
      code: 'E_AFFECTED_GIT',
      kind: 'input',
    });
  });
});

describe('briefsAffectedBy (what `qlf watch` re-runs for saved files)', () => {
  it.each([
    ['nothing qlf reads', ['notes.txt'], []],
    ['a brief file, with its users', ['briefs/payments/brief.qlf.yaml'], ['orders', 'payments']],
    ['a file of a working copy', ['briefs/users/service/app/main.py'], ['users']],
    ['a workspace overlay: the briefs that applied it', ['my-overlays/hospital.yaml'], ['clinic']],
    ['a file in a subfolder of an overlay folder (not an overlay)', ['my-overlays/old/hospital.yaml'], []],
    ['a built-in overlay', [join(builtinOverlayDir(), 'gdpr.yaml')], ['orders', 'users']],
    ['the config file: every brief', ['qlf.config.json'], ['clinic', 'orders', 'payments', 'users']],
  ])('%s', async (_, saved, expected) => {
    const ws = await makeWorkspace(
      {
        payments: 'name: payments\n',
        orders: 'name: orders\nuses: [payments]\n',
        users: 'name: users\n',
        clinic: 'name: clinic\n',
      },
      `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], overlays: { dirs: ['my-overlays'] } })}\n`,
    );
    await irWith(ws.root, 'payments', []);
    await irWith(ws.root, 'orders', ['gdpr']);
    await irWith(ws.root, 'users', ['gdpr']);
    await irWith(ws.root, 'clinic', ['hospital']);
    const config = await ws.config();
    const files = saved.map((file) => resolve(ws.root, file));
    expect(await briefsAffectedBy(config, await discoverBriefs(config), files)).toEqual(expected);
  });

  it('always includes a brief never compiled', async () => {
    const ws = await makeWorkspace({ fresh: 'name: fresh\n', old: 'name: old\n' });
    await irWith(ws.root, 'old', []);
    const config = await ws.config();
    expect(await briefsAffectedBy(config, await discoverBriefs(config), [join(ws.root, 'x.txt')])).toEqual(['fresh']);
  });

  it('knows an overlay file by its folder and extension', async () => {
    const ws = await makeWorkspace({}, `${JSON.stringify({ overlays: { dirs: ['my-overlays'] } })}\n`);
    const config = await ws.config();
    expect(isOverlayFile(config, join(ws.root, 'my-overlays', 'team.yml'))).toBe(true);
    expect(isOverlayFile(config, join(ws.root, 'my-overlays', 'team.json'))).toBe(false);
    expect(isOverlayFile(config, join(ws.root, 'elsewhere', 'team.yaml'))).toBe(false);
    expect(isOverlayFile(config, join(builtinOverlayDir(), 'pci.yaml'))).toBe(true);
  });
});
