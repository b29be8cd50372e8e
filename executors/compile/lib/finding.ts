// The shape every compiler finding takes: a value, how sure we are, where it came from and the text it was read from.
import type { Origin, Span } from '../../../schemas/common.js';
import type { IRWarning } from '../../../schemas/ir.js';
import { round2 } from './text-match.js';

export interface Finding<T> {
  value: T;
  confidence: number;
  origin: Origin;
  span?: Span;
  source?: string;
}

export function inferred<T>(value: T, confidence: number, span?: Span): Finding<T> {
  return span
    ? { value, confidence: round2(confidence), origin: 'inferred', span }
    : { value, confidence: round2(confidence), origin: 'inferred' };
}

export function explicit<T>(value: T): Finding<T> {
  return { value, confidence: 1, origin: 'explicit' };
}

export function byDefault<T>(value: T, confidence = 0.5): Finding<T> {
  return { value, confidence, origin: 'default' };
}

/** Collects warnings while the detectors run; sorted at the end so output order never depends on detector order. */
export class WarningSink {
  readonly items: IRWarning[] = [];
  add(code: string, message: string, extra: { span?: IRWarning['span']; path?: string } = {}): void {
    if (this.items.some((w) => w.code === code && w.message === message)) return;
    this.items.push({ code, message, ...extra });
  }
}
