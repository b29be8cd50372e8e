// Which channel a `--to` value names; each channel's module is loaded only when it is used.
import { inputError } from '../../../core/errors.js';
import type { Channel } from './channel.js';

/** Parses `--to` values: `dir:PATH` (or a plain path), `http(s)://…`, `oci://host[:port]/repo[:tag]`. */
export async function parseChannel(target: string, env: NodeJS.ProcessEnv = process.env): Promise<Channel> {
  if (target.startsWith('http://') || target.startsWith('https://')) {
    const { httpChannel } = await import('./http-channel.js');
    return httpChannel(target, env);
  }
  if (target.startsWith('oci://')) {
    const { ociChannel } = await import('./oci-channel.js');
    return ociChannel(target, env);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(target)) {
    throw inputError('E_DELIVERY_CHANNEL', `unknown delivery channel ${JSON.stringify(target)}`, {
      hint: 'Use a directory (dir:PATH or a path), http(s)://host/path, or oci://host:port/repository[:tag].',
    });
  }
  const { dirChannel } = await import('./dir-channel.js');
  return dirChannel(target.startsWith('dir:') ? target.slice(4) : target);
}
