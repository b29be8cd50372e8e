// Reads load figures ("10k requests per second", "1M users") from a description into whole numbers.

import { own } from '../../../core/naming.js';
import { type Finding, inferred } from './finding.js';
import { type Doc, spanOf } from './text-match.js';

export interface Scale {
  requestsPerSecond?: Finding<number>;
  users?: Finding<number>;
}

const MULTIPLIERS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  million: 1e6,
  mm: 1e6,
  billion: 1e9,
  b: 1e9,
};
const RATE_NOUNS = new Set([
  'request',
  'req',
  'transaction',
  'call',
  'query',
  'event',
  'message',
  'hit',
  'payment',
  'order',
]);
const RATE_SHORT: Record<string, number> = { rps: 1, tps: 1, qps: 1, rpm: 1 / 60 };
const USER_NOUNS = new Set(['user', 'customer', 'patient', 'member', 'subscriber', 'account', 'student', 'visitor']);
const USER_QUALIFIERS = new Set(['daily', 'monthly', 'active', 'concurrent', 'registered', 'total', 'expected']);
const MAX_SAFE = 2_000_000_000;

function parseNumber(text: string): number | undefined {
  const match = /^([0-9][0-9,]*(?:\.[0-9]+)?)([km]?)$/.exec(text);
  if (!match) return undefined;
  const value = Number((match[1] ?? '').replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  return value * (own(MULTIPLIERS, match[2] ?? '') ?? 1);
}

export function detectScale(doc: Doc): Scale {
  const scale: Scale = {};
  const tokens = doc.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token?.numeric) continue;
    let value = parseNumber(token.lower);
    if (value === undefined) continue;
    let j = i + 1;
    const multiplier = own(MULTIPLIERS, tokens[j]?.lower ?? '');
    if (multiplier && tokens[j]?.lower.length !== 1) {
      value *= multiplier;
      j++;
    }
    const word = tokens[j]?.canon ?? '';
    let perSecond: number | undefined;
    if (own(RATE_SHORT, word) !== undefined) perSecond = own(RATE_SHORT, word);
    else if (RATE_NOUNS.has(word)) {
      const per =
        tokens[j + 1]?.lower === 'per' || tokens[j + 1]?.lower === 'a'
          ? tokens[j + 2]?.lower
          : tokens[j + 1]?.lower === 's'
            ? 'second'
            : tokens[j + 1]?.lower;
      if (per === 'second' || per === 'sec' || per === 's') perSecond = 1;
      else if (per === 'minute' || per === 'min') perSecond = 1 / 60;
      else if (per === 'hour') perSecond = 1 / 3600;
      else if (per === 'day') perSecond = 1 / 86_400;
    }
    if (perSecond !== undefined && !scale.requestsPerSecond) {
      const rps = Math.min(MAX_SAFE, Math.max(1, Math.ceil(value * perSecond)));
      scale.requestsPerSecond = inferred(rps, 0.85, spanOf(doc, i, Math.min(tokens.length - 1, j + 2)));
      continue;
    }
    let k = j;
    while (USER_QUALIFIERS.has(tokens[k]?.lower ?? '') && k < j + 2) k++;
    if (USER_NOUNS.has(tokens[k]?.canon ?? '') && !scale.users && value >= 1) {
      scale.users = inferred(Math.min(MAX_SAFE, Math.round(value)), 0.8, spanOf(doc, i, k));
    }
  }
  return scale;
}
