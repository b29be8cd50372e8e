// Who ran qlf: a CI system's actor first (its variables name the person or bot that started the pipeline), else the
// workspace's git user, else the OS account. Only the variables named here are read: never any other env value.
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import type { AuditIdentity } from './record.js';

const run = promisify(execFile);

/** The CI systems recognised, with the variables naming the actor and the run. */
const CI_SYSTEMS = [
  { ci: 'github', actor: 'GITHUB_ACTOR', runId: 'GITHUB_RUN_ID' },
  { ci: 'gitlab', actor: 'GITLAB_USER_LOGIN', runId: 'CI_JOB_ID' },
  { ci: 'buildkite', actor: 'BUILDKITE_BUILD_CREATOR' },
  { ci: 'circleci', actor: 'CIRCLE_USERNAME' },
] as const;

/** The CI identity in `env`, when a recognised CI system set one. */
export function ciIdentity(env: NodeJS.ProcessEnv): AuditIdentity | undefined {
  for (const system of CI_SYSTEMS) {
    const name = env[system.actor]?.trim();
    if (!name) continue;
    const runId = 'runId' in system ? env[system.runId]?.trim() : undefined;
    return { source: 'ci', name, ci: system.ci, ...(runId ? { runId } : {}) };
  }
  return undefined;
}

async function gitConfig(cwd: string, key: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['config', key], { cwd, timeout: 5_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `git config user.name`/`user.email` as seen from `cwd`, when either is set. */
export async function gitIdentity(cwd: string): Promise<AuditIdentity | undefined> {
  const [name, email] = await Promise.all([gitConfig(cwd, 'user.name'), gitConfig(cwd, 'user.email')]);
  if (!name && !email) return undefined;
  return { source: 'git', name: name ?? email ?? '', ...(email ? { email } : {}) };
}

function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.USERNAME || 'unknown';
  }
}

/** Who is running qlf in the workspace `root`. */
export async function resolveIdentity(root: string, env: NodeJS.ProcessEnv = process.env): Promise<AuditIdentity> {
  return ciIdentity(env) ?? (await gitIdentity(root)) ?? { source: 'os', name: osUser(env) };
}
