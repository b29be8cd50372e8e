// `--timeout` values: `90s`, `5m`, `1h` or plain milliseconds.
import { inputError } from '../core/errors.js';

/** Milliseconds for a `--timeout` value; an input error naming the accepted forms otherwise. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) {
    throw inputError('E_USAGE', `--timeout ${JSON.stringify(value)} is not a duration`, {
      hint: 'Write it as 90s, 5m or 1h.',
    });
  }
  return Number(match[1]) * ({ ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms'] as number);
}
