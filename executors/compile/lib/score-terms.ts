// Scores a description against weighted phrase lists: negated mentions never count, each phrase counts once.
import type { Span } from '../../../schemas/common.js';
import { combine, type Doc, findPhrases, type PhraseMatch } from './text-match.js';

export interface TermScore<K extends string> {
  key: K;
  /** Combined evidence in [0, 1]. */
  score: number;
  /** Spans of the counted mentions, in text order. */
  spans: Span[];
  /** Whether the only mentions found were negated. */
  negatedOnly: boolean;
  negatedSpans: Span[];
}

/** Keys and phrases per table, so `findPhrases` indexes each vocabulary once per process. */
const tables = new WeakMap<object, { keys: string[]; phrases: string[] }>();

function tableIndex<K extends string>(table: Record<K, Record<string, number>>): { keys: K[]; phrases: string[] } {
  let known = tables.get(table);
  if (!known) {
    const keys = Object.keys(table) as K[];
    known = { keys, phrases: keys.flatMap((key) => Object.keys(table[key])) };
    tables.set(table, known);
  }
  return known as { keys: K[]; phrases: string[] };
}

/** Scores every key of `table`; keys in the table's order so ties break the same way every time. */
export function scoreTerms<K extends string>(doc: Doc, table: Record<K, Record<string, number>>): TermScore<K>[] {
  const { keys, phrases } = tableIndex(table);
  const matches = findPhrases(doc, phrases);
  return keys.map((key) => {
    const weights: number[] = [];
    const counted: PhraseMatch[] = [];
    const negated: PhraseMatch[] = [];
    for (const [phrase, weight] of Object.entries(table[key]) as [string, number][]) {
      const found = matches.get(phrase) ?? [];
      const positive = found.filter((m) => !m.negated);
      negated.push(...found.filter((m) => m.negated));
      if (positive.length === 0) continue;
      // A typo-corrected match is weaker evidence; repeated mentions add a little.
      const fuzzyOnly = positive.every((m) => m.fuzzy);
      weights.push(weight * (fuzzyOnly ? 0.8 : 1));
      if (positive.length > 1) weights.push(Math.min(0.2, weight * 0.25));
      counted.push(...positive);
    }
    counted.sort((a, b) => a.first - b.first);
    negated.sort((a, b) => a.first - b.first);
    return {
      key,
      score: combine(weights),
      spans: dedupeSpans(counted.map((m) => m.span)),
      negatedOnly: counted.length === 0 && negated.length > 0,
      negatedSpans: dedupeSpans(negated.map((m) => m.span)),
    };
  });
}

function dedupeSpans(spans: Span[]): Span[] {
  const seen = new Set<string>();
  return spans.filter((s) => {
    const id = `${s.start}:${s.end}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The highest-scoring key at or above `floor`, ties going to the earlier key. */
export function bestTerm<K extends string>(scores: TermScore<K>[], floor: number): TermScore<K> | undefined {
  let best: TermScore<K> | undefined;
  for (const s of scores) if (s.score >= floor && (!best || s.score > best.score)) best = s;
  return best;
}
