// Builds the remote cache a run uses from the resolved config and the environment (where the token lives).

import type { QlfConfig } from '../schemas/config.js';
import { REMOTE_CACHE_ENV, resolveRemoteCacheEnv } from '../workspace/config.js';
import { HttpRemoteCache, type HttpRemoteCacheOptions, type RemoteCache } from './remote-cache.js';

/**
 * The remote cache configured by `cache.remote` and the `QLF_REMOTE_CACHE_*` variables, or undefined when none is.
 * The token is read from `QLF_REMOTE_CACHE_TOKEN` only; without it requests go unauthenticated.
 */
export function remoteCacheFromConfig(
  config: Pick<QlfConfig, 'cache'>,
  env: NodeJS.ProcessEnv = process.env,
  options: Omit<HttpRemoteCacheOptions, 'url' | 'token' | 'team' | 'readOnly'> = {},
): RemoteCache | undefined {
  const settings = resolveRemoteCacheEnv(config.cache?.remote, env);
  if (!settings) return undefined;
  const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);
  return new HttpRemoteCache({
    connectTimeoutMs: seconds(settings.connectTimeoutSeconds),
    firstByteTimeoutMs: seconds(settings.firstByteTimeoutSeconds),
    ...options,
    url: settings.url,
    team: settings.team,
    readOnly: settings.readOnly,
    token: env[REMOTE_CACHE_ENV.token] || undefined,
  });
}
