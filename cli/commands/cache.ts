// `qlf cache stats | clean | prune --max-size SIZE`: looks after the local task cache.
import { LocalCache } from '../../cache/local-cache.js';
import { remoteCacheFromConfig } from '../../cache/remote-config.js';
import { inputError } from '../../core/errors.js';
import { loadConfig, REMOTE_CACHE_ENV, type ResolvedConfig } from '../../workspace/config.js';
import { commonOptions, defineCommand } from '../command.js';
import { formatMs } from './run-progress.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** `100MB` → bytes (binary units: 1 MB = 1024 × 1024 bytes). */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) {
    throw inputError('E_USAGE', `--max-size ${JSON.stringify(text)} is not a size`, {
      hint: 'Give a number with an optional unit: B, KB, MB or GB (e.g. 100MB).',
    });
  }
  return Math.floor(Number(match[1]) * unit);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** The remote cache as configured, and what its server says of this team and token (the token itself never shown). */
async function remoteStatus(config: ResolvedConfig) {
  const settings = config.cache.remote;
  const remote = remoteCacheFromConfig(config);
  if (!settings || !remote) return undefined;
  const status = await remote.status();
  return {
    url: remote.description,
    team: settings.team ?? null,
    readOnly: settings.readOnly,
    token: Boolean(process.env[REMOTE_CACHE_ENV.token]),
    reachable: status.ok,
    status: status.detail,
  };
}

export default defineCommand({
  name: 'cache',
  summary: 'Show, clean or prune the task cache',
  usage: 'cache <stats|clean|prune> [--max-size SIZE]',
  details: 'prune removes least recently used entries until the cache fits in --max-size (e.g. 100MB).',
  options: {
    json: commonOptions.json,
    verbose: commonOptions.verbose,
    'max-size': { type: 'string', description: 'For prune: the size to shrink the cache to.', valueName: 'size' },
  },
  async run({ values, positionals, out, cwd }) {
    const [action, ...extra] = positionals;
    if (!action || !['stats', 'clean', 'prune'].includes(action) || extra.length > 0) {
      throw inputError(
        'E_USAGE',
        `qlf cache: expected one of stats, clean, prune${action ? `, got "${positionals.join(' ')}"` : ''}`,
        {
          hint: 'Run `qlf cache stats`, `qlf cache clean` or `qlf cache prune --max-size 100MB`.',
        },
      );
    }
    const config = await loadConfig(cwd);
    const cache = new LocalCache(config.cacheDir);
    if (action === 'stats') {
      const stats = await cache.stats();
      const remote = await remoteStatus(config);
      if (values.json) out.json({ dir: config.cacheDir, ...stats, remote: remote ?? null });
      else {
        out.print(
          `${config.cacheDir}\n  entries: ${stats.entries}\n  size:    ${formatBytes(stats.bytes)}\n  stored task time: ${formatMs(stats.storedDurationMs)}`,
        );
        if (remote) {
          const how = [remote.team ? `team ${remote.team}` : 'no team', remote.readOnly ? 'read-only' : 'read-write'];
          how.push(remote.token ? 'token set' : 'no QLF_REMOTE_CACHE_TOKEN');
          out.print(`remote: ${remote.url} (${how.join(', ')})\n  status: ${remote.status}`);
        } else out.print('remote: none (set cache.remote.url or QLF_REMOTE_CACHE_URL to share with other machines)');
      }
      return 0;
    }
    if (action === 'clean') {
      const result = await cache.clean();
      if (values.json) out.json(result);
      else out.print(`removed ${result.removed} entries (${formatBytes(result.freedBytes)})`);
      return 0;
    }
    if (values['max-size'] === undefined) {
      throw inputError('E_USAGE', 'qlf cache prune needs --max-size', {
        hint: 'e.g. `qlf cache prune --max-size 100MB`.',
      });
    }
    const result = await cache.prune(parseSize(values['max-size']));
    if (values.json) out.json(result);
    else {
      out.print(
        `removed ${result.removed} entries (${formatBytes(result.freedBytes)}); ${formatBytes(result.keptBytes)} kept`,
      );
    }
    return 0;
  },
});
