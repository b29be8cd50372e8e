// Delivery channels: where a finished capsule goes. Each channel uploads one file and either succeeds completely or
// leaves nothing behind at its destination, so parallel deliveries never corrupt one another.
import { inputError } from '../../../core/errors.js';

export interface Capsule {
  fileName: string;
  bytes: Uint8Array;
  /** `sha256:<hex>`. */
  digest: string;
}

export interface DeliveryReceipt {
  channel: string;
  /** Where the capsule now lives (path, URL or OCI reference with digest). */
  location: string;
  attempts: number;
}

export interface Channel {
  /** The destination as the user wrote it, secrets stripped. */
  describe(): string;
  deliver(capsule: Capsule): Promise<Omit<DeliveryReceipt, 'attempts'>>;
}

/** A failure worth trying again (network error, 5xx); anything else fails at once. */
export class RetryableError extends Error {}

export type ChannelFactory = (target: string, env: NodeJS.ProcessEnv) => Channel;

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
