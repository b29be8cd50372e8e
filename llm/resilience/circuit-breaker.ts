// Stops calling a provider that keeps failing: open after `failureThreshold` failed calls in a row, then, once the
// cooldown has passed, one trial call decides whether it closes again or stays open for another cooldown.
import type { ProviderName } from '../../schemas/llm.js';
import { LlmCallError } from '../types.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** `llm.circuitBreaker` in qlf.config.ts. */
export interface BreakerPolicy {
  failureThreshold: number;
  cooldownSeconds: number;
}

/** Thrown instead of making a call while the breaker is open (or its one trial call is still running). */
export class CircuitOpenError extends Error {
  readonly provider: ProviderName;
  /** Until the breaker lets a trial call through; 0 when waiting on a trial already running. */
  readonly retryInMs: number;
  constructor(provider: ProviderName, retryInMs: number, message: string) {
    super(message);
    this.name = 'CircuitOpenError';
    this.provider = provider;
    this.retryInMs = retryInMs;
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  /** When the half-open trial call was let through; `undefined` when none is running. */
  private trialSince: number | undefined;

  constructor(
    readonly provider: ProviderName,
    private readonly policy: BreakerPolicy,
    /** Milliseconds since the epoch. @default Date.now */
    private readonly now: () => number = Date.now,
  ) {}

  /** For metrics: `half-open` once the cooldown has passed, until a trial call reports back. */
  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.remainingMs() > 0 ? 'open' : 'half-open';
  }

  /** Runs `call` if the breaker allows it, and counts its outcome. */
  async call<T>(call: () => Promise<T>): Promise<T> {
    if (!this.allows()) throw new CircuitOpenError(this.provider, this.remainingMs(), this.describe());
    try {
      const result = await call();
      this.succeeded();
      return result;
    } catch (error) {
      if (error instanceof LlmCallError) {
        // A refused request or key proves the provider is up; only failures that may pass count against it.
        if (error.retryable) this.failed();
        else this.succeeded();
      } else {
        // A missing key or a stopped run says nothing about the provider's health.
        this.trialSince = undefined;
      }
      throw error;
    }
  }

  /**
   * Whether a call may go now; when half-open, true for one trial call until it reports back. A trial that never
   * reports back (its caller threw before calling) is given up after one more cooldown, so the breaker cannot wedge.
   */
  allows(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.trialSince !== undefined && this.now() - this.trialSince < this.cooldownMs()) return false;
    this.trialSince = this.now();
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.trialSince = undefined;
  }

  failed(): void {
    if (this.trialSince !== undefined) {
      this.trialSince = undefined;
      this.openedAt = this.now();
      return;
    }
    // Calls still running when the breaker opened do not extend the cooldown.
    if (this.openedAt !== undefined) return;
    this.failures++;
    if (this.failures >= this.policy.failureThreshold) this.openedAt = this.now();
  }

  /** One line for logs and errors. */
  describe(): string {
    const state = this.state;
    if (state === 'closed') return `${this.provider}: circuit closed (${this.failures} failed calls in a row)`;
    if (state === 'half-open') return `${this.provider}: circuit half-open, a trial call is deciding`;
    return `${this.provider}: circuit open after repeated failures, next try in ${Math.ceil(this.remainingMs() / 1000)} s`;
  }

  private remainingMs(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.cooldownMs() - this.now());
  }

  private cooldownMs(): number {
    return this.policy.cooldownSeconds * 1000;
  }
}
