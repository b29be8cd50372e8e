// Defaults from the checkout: the branch (or an input error asking for --branch), the commit and the owner.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentBranch, currentCommit, defaultOwner } from './git.js';

const repo = mkdtempSync(join(tmpdir(), 'qlf-preview-git-'));
const outside = mkdtempSync(join(tmpdir(), 'qlf-preview-nogit-'));
afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
git('init', '-q', '-b', 'feat/card_refunds');
git('config', 'user.email', 'jane.doe@example.com');
git('config', 'user.name', 'Jane');
git('commit', '-q', '--allow-empty', '-m', 'start');

describe('git defaults', () => {
  it('reads the branch, the commit and the owner of a checkout', async () => {
    expect(await currentBranch(repo)).toBe('feat/card_refunds');
    expect(await currentCommit(repo)).toBe(git('rev-parse', 'HEAD'));
    expect(await defaultOwner(repo, {})).toBe('jane.doe');
  });

  it('asks for --branch on a detached HEAD and outside a checkout', async () => {
    git('checkout', '-q', '--detach');
    await expect(currentBranch(repo)).rejects.toMatchObject({ code: 'E_PREVIEW_BRANCH', kind: 'input' });
    await expect(currentBranch(outside)).rejects.toMatchObject({
      code: 'E_PREVIEW_BRANCH',
      hint: expect.stringContaining('--branch'),
    });
  });

  it('falls back to $USER, then unknown', async () => {
    const env = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      expect(await defaultOwner(outside, { USER: 'sam' })).toBe('sam');
      expect(await defaultOwner(outside, {})).toBe('unknown');
    } finally {
      for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
    }
  });
});
