// `--since 7d | 12h | 30m | 2w | 2026-11-01 | 2026-11-01T08:00:00Z` → the moment it names.
import { inputError } from '../../core/errors.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const SINCE_FORMS = 'an age (30m, 12h, 7d, 2w) or a date (2026-11-01, 2026-11-01T08:00:00Z)';

export function parseSince(text: string, now: Date = new Date()): Date {
  const age = /^(\d+)\s*([mhdw])$/i.exec(text.trim());
  if (age) return new Date(now.getTime() - Number(age[1]) * (UNIT_MS[(age[2] as string).toLowerCase()] as number));
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const date = new Date(text.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw inputError('E_USAGE', `--since ${JSON.stringify(text)} is neither an age nor a date`, {
    hint: `Give ${SINCE_FORMS}.`,
  });
}
