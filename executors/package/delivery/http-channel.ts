// Delivers a capsule with an HTTP PUT to `<url>/<file name>`, authenticated with a bearer token from
// QLF_DELIVERY_TOKEN. The token never appears in messages, receipts or logs.
import { inputError } from '../../../core/errors.js';
import { type Channel, RetryableError } from './channel.js';

export function httpChannel(target: string, env: NodeJS.ProcessEnv): Channel {
  const url = new URL(target);
  if (url.username || url.password) {
    throw inputError('E_DELIVERY_CREDENTIALS', 'credentials in a delivery URL would end up in logs', {
      hint: 'Remove them from the URL and set QLF_DELIVERY_TOKEN instead.',
    });
  }
  const token = env.QLF_DELIVERY_TOKEN;
  const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  return {
    describe: () => url.origin + url.pathname,
    async deliver(capsule) {
      const location = new URL(encodeURIComponent(capsule.fileName), base).href;
      let response: Response;
      try {
        response = await fetch(location, {
          method: 'PUT',
          body: capsule.bytes,
          headers: {
            'content-type': 'application/gzip',
            'x-content-sha256': capsule.digest.replace(/^sha256:/, ''),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        throw new RetryableError(`PUT ${location} failed: ${(error as Error).message}`);
      }
      await response.body?.cancel();
      if (response.status >= 500 || response.status === 429) {
        throw new RetryableError(`PUT ${location} answered ${response.status} ${response.statusText}`);
      }
      if (!response.ok) {
        const hint = response.status === 401 || response.status === 403 ? ' (check QLF_DELIVERY_TOKEN)' : '';
        throw new Error(`PUT ${location} answered ${response.status} ${response.statusText}${hint}`);
      }
      return { channel: 'http', location };
    },
  };
}
