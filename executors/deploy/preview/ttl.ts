// How long a preview lives: `30m`, `24h`, `3d` (the form `deploy.preview.ttl` and `--ttl` take) in milliseconds.
import { inputError } from '../../../core/errors.js';

const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A year: beyond it a preview is a deployment, and the expiry stays a sane date. */
const MAX_MS = 365 * UNITS.d;

export function parseTtl(text: string, option = '--ttl'): number {
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2] as keyof typeof UNITS] : Number.NaN;
  if (!(ms > 0 && ms <= MAX_MS)) {
    const why = match ? (ms > 0 ? 'longer than 365d' : 'zero') : 'not a number of minutes, hours or days';
    throw inputError('E_PREVIEW_TTL', `${option} ${JSON.stringify(text)} is ${why}`, {
      hint: 'Write a whole number then m, h or d, between 1m and 365d: 30m, 24h or 3d.',
    });
  }
  return ms;
}
