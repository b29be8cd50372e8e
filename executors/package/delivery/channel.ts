// Delivery channels: where a finished capsule goes. Each channel uploads one file and either succeeds completely or
// leaves nothing behind at its destination, so parallel deliveries never corrupt one another.
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
