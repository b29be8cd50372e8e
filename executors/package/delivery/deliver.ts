// Delivers one capsule to several channels at once, each with its own retries and exponential backoff; one
// channel's failure is reported without touching the others.
import type { Capsule, Channel, DeliveryReceipt } from './channel.js';
import { RetryableError } from './channel.js';

export interface DeliveryOptions {
  /** Attempts per channel, the first included. @default 4 */
  attempts?: number;
  /** First backoff in ms, doubled each retry. @default 200 */
  backoffMs?: number;
}

export type DeliveryOutcome =
  | ({ status: 'delivered' } & DeliveryReceipt)
  | { status: 'failed'; channel: string; error: string; attempts: number };

async function deliverWithRetry(
  channel: Channel,
  capsule: Capsule,
  options: Required<DeliveryOptions>,
): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { status: 'delivered', ...(await channel.deliver(capsule)), attempts: attempt };
    } catch (error) {
      const retryable = error instanceof RetryableError;
      if (!retryable || attempt >= options.attempts) {
        return { status: 'failed', channel: channel.describe(), error: (error as Error).message, attempts: attempt };
      }
      await new Promise((resolve) => setTimeout(resolve, options.backoffMs * 2 ** (attempt - 1)));
    }
  }
}

export async function deliverCapsule(
  capsule: Capsule,
  channels: Channel[],
  options: DeliveryOptions = {},
): Promise<DeliveryOutcome[]> {
  const resolved = { attempts: options.attempts ?? 4, backoffMs: options.backoffMs ?? 200 };
  return Promise.all(channels.map((channel) => deliverWithRetry(channel, capsule, resolved)));
}
