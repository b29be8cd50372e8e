// What a preview defaults to from the checkout it is started in: the branch, the commit and who is asking.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inputError } from '../../../core/errors.js';

const run = promisify(execFile);

/** `git <args>` in `cwd`, trimmed; undefined when git is missing, `cwd` is no checkout, or the command fails. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const output = (await run('git', args, { cwd })).stdout.trim();
    return output || undefined;
  } catch {
    return undefined;
  }
}

/** The checked-out branch; an input error asking for `--branch` when there is none (no checkout, detached HEAD). */
export async function currentBranch(cwd: string): Promise<string> {
  const branch = await git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']);
  if (!branch || branch === 'HEAD') {
    const why = branch === 'HEAD' ? 'HEAD is detached (as in most CI checkouts)' : `${cwd} is not in a git checkout`;
    throw inputError('E_PREVIEW_BRANCH', `cannot tell which branch to preview: ${why}`, {
      hint: 'Pass --branch, e.g. --branch "$GITHUB_HEAD_REF" in GitHub Actions or --branch pr-42.',
    });
  }
  return branch;
}

/** The full id of the checked-out commit, when there is one. */
export function currentCommit(cwd: string): Promise<string | undefined> {
  return git(cwd, ['rev-parse', 'HEAD']);
}

/** The local part of `git config user.email`, else `$USER`, else `unknown`. */
export async function defaultOwner(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const email = await git(cwd, ['config', 'user.email']);
  return email?.split('@')[0] || env.USER || env.USERNAME || 'unknown';
}
