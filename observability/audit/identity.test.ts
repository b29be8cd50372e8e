// Who ran qlf: CI variables first, then the workspace's git user, then the OS account.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ciIdentity, resolveIdentity } from './identity.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-audit-identity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ciIdentity', () => {
  it.each([
    [
      { GITHUB_ACTOR: 'octocat', GITHUB_RUN_ID: '42' },
      { name: 'octocat', ci: 'github', runId: '42' },
    ],
    [
      { GITLAB_USER_LOGIN: 'tanuki', CI_JOB_ID: '7' },
      { name: 'tanuki', ci: 'gitlab', runId: '7' },
    ],
    [{ BUILDKITE_BUILD_CREATOR: 'Kite Runner' }, { name: 'Kite Runner', ci: 'buildkite' }],
    [{ CIRCLE_USERNAME: 'circler' }, { name: 'circler', ci: 'circleci' }],
  ])('%o → %o', (env, expected) => {
    expect(ciIdentity(env)).toEqual({ source: 'ci', ...expected });
  });

  it('is undefined without CI variables, and reads no other variable', () => {
    expect(ciIdentity({ CI: 'true', GITHUB_TOKEN: 'ghp_secret', CI_JOB_ID: '7' })).toBeUndefined();
  });
});

describe('resolveIdentity', () => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });

  it('takes the CI actor before the git user', async () => {
    git('init', '-q');
    git('config', 'user.name', 'Ada');
    expect(await resolveIdentity(dir, { GITHUB_ACTOR: 'octocat', GITHUB_RUN_ID: '1' })).toMatchObject({
      source: 'ci',
      name: 'octocat',
    });
  });

  it('takes the workspace git user', async () => {
    git('init', '-q');
    git('config', 'user.name', 'Ada Lovelace');
    git('config', 'user.email', 'ada@example.com');
    expect(await resolveIdentity(dir, {})).toEqual({ source: 'git', name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('falls back to the OS user outside git (no global git identity)', async () => {
    const env = { ...process.env };
    process.env.GIT_CONFIG_GLOBAL = join(dir, 'none');
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      expect(await resolveIdentity(dir, {})).toEqual({ source: 'os', name: userInfo().username });
    } finally {
      process.env = env;
    }
  });
});
