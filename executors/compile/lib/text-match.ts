// Linear-time text matching for the compiler: tokens with offsets, clause-aware negation, bounded fuzzy word matching.

import { singularize } from '../../../core/naming.js';
import type { Span } from '../../../schemas/common.js';
import { isKnownEnglishWord } from './part-of-speech.js';

export interface Token {
  /** Lowercased text as written (apostrophe-s removed). */
  lower: string;
  /** Singular form of `lower`, then mapped onto the vocabulary when a bounded typo match exists. */
  canon: string;
  start: number;
  end: number;
  /** Index of the clause (split at . ! ? ; : blank lines, commas and "but") the token sits in. */
  clause: number;
  /** Sentence index (split at . ! ? ; and blank lines); relationships never cross sentences. */
  sentence: number;
  /** Whether the token is a number (digits, with optional k/m suffix). */
  numeric: boolean;
}

export interface Doc {
  text: string;
  tokens: Token[];
  /** Head words of compound entity names mentioned in the text ("record" → MedicalRecord), set by the compiler. */
  aliases?: Map<string, string>;
}

export interface PhraseMatch {
  /** Index of the first token. */
  first: number;
  /** Index of the last token (inclusive). */
  last: number;
  span: Span;
  negated: boolean;
  /** Whether a typo correction was needed. */
  fuzzy: boolean;
}

const NEGATORS = new Set([
  'no',
  'not',
  'without',
  'never',
  'nor',
  "don't",
  "doesn't",
  "won't",
  "isn't",
  "aren't",
  "shouldn't",
  "mustn't",
  "can't",
  'cannot',
  'excluding',
  'except',
  'neither',
  'none',
  'avoid',
]);
const CLAUSE_BREAK_WORDS = new Set(['but', 'however', 'although', 'though', 'whereas', 'instead']);
const AFTER_NEGATIONS = [
  ['not', 'required'],
  ['not', 'needed'],
  ['not', 'necessary'],
  ['not', 'in', 'scope'],
  ['out', 'of', 'scope'],
  ['is', 'excluded'],
  ['not', 'apply'],
  ['not', 'applicable'],
  ['are', 'excluded'],
];
/** Common words that must never be "corrected" into vocabulary words. */
const COMMON = new Set(
  'about above after again against all also and any are because been before being below between both border could did does doing down during each few from further have having here into itself more most once only other others older over same should some such than that their theirs them then there these they this those through under until very what when where which while who whom why will with would your yours order older other offer owner ensure enable events patent patents contract contracts customs account accounts another support supports report reports record records server servers service services system systems manage managed managing handle handles handling create creates update updates delete deletes simple single people person persons should form forms each from here were where store stores place places plane share track'.split(
    ' ',
  ),
);

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127 || code === 95
  );
}

/** Bounded optimal-string-alignment distance; returns max+1 as soon as the distance must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (prevPrev[j - 2] ?? 0) + 1);
      }
      row.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length] ?? max + 1;
}

/** Typos tolerated for a word of this length: none under 6 letters, one up to 8, two beyond. */
function typoBudget(length: number): number {
  // Five-letter words have too many real-word neighbours (track/truck); known five-letter typos are listed as phrases.
  if (length < 6) return 0;
  return length < 9 ? 1 : 2;
}

/** Maps unknown words onto vocabulary words by bounded edit distance (same first letter), cached per word. */
export class Lexicon {
  private readonly words: Set<string>;
  private readonly byInitial = new Map<string, string[]>();
  private readonly cache = new Map<string, string>();

  constructor(words: Iterable<string>) {
    this.words = new Set([...words].map((w) => singularize(w)));
    for (const word of [...this.words].sort()) {
      const list = this.byInitial.get(word.charAt(0)) ?? [];
      list.push(word);
      this.byInitial.set(word.charAt(0), list);
    }
  }

  resolve(word: string): string {
    if (this.words.has(word) || COMMON.has(word) || word.length < 4) return word;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    // A real English word is what the writer meant ("post content" is not "post consent"), never a typo.
    if (isKnownEnglishWord(word)) {
      this.cache.set(word, word);
      return word;
    }
    if (typoBudget(word.length) === 0) {
      // Short words: only a dropped letter is corrected ("oder" → "order"); substitutions hit real words too often.
      const candidates = (this.byInitial.get(word.charAt(0)) ?? []).filter(
        (c) => c.length === word.length + 1 && c.length >= 5 && !c.startsWith(word) && editDistance(word, c, 1) === 1,
      );
      const found = candidates.length === 1 ? (candidates[0] ?? word) : word;
      this.cache.set(word, found);
      return found;
    }
    let best = word;
    let bestDistance = typoBudget(word.length) + 1;
    for (const candidate of this.byInitial.get(word.charAt(0)) ?? []) {
      const budget = Math.min(typoBudget(candidate.length), typoBudget(word.length));
      if (budget === 0) continue;
      const distance = editDistance(word, candidate, budget);
      if (distance <= budget && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    this.cache.set(word, best);
    return best;
  }
}

/** Splits text into tokens in one pass; `lexicon` corrects typos toward known vocabulary. */
export function tokenize(text: string, lexicon?: Lexicon): Doc {
  const tokens: Token[] = [];
  let clause = 0;
  let sentence = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (!isWordChar(code)) {
      const ch = text[i];
      if (ch === '.' || ch === '!' || ch === '?' || ch === ';') {
        clause++;
        sentence++;
      } else if (ch === ':' || ch === ',' || ch === '(' || ch === ')') {
        clause++;
      } else if (ch === '\n') {
        // A line break inside a paragraph is only wrapping; a blank line or a list item starts a new statement.
        const rest = text.slice(i + 1, i + 40).replace(/^[ \t]+/, '');
        if (rest.startsWith('\n') || rest.startsWith('-') || rest.startsWith('*') || /^\d+\./.test(rest)) {
          clause++;
          sentence++;
        }
      }
      i++;
      continue;
    }
    const start = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isWordChar(c)) {
        i++;
        continue;
      }
      // Keep apostrophes inside words (don't) and separators inside numbers (1,000 / 2.5).
      const next = text.charCodeAt(i + 1);
      const inWord = text[i] === "'" || text[i] === '\u2019';
      const inNumber =
        (text[i] === ',' || text[i] === '.') && next >= 48 && next <= 57 && /[0-9]/.test(text[i - 1] ?? '');
      if ((inWord && isWordChar(next) && next !== 95) || inNumber) {
        i++;
        continue;
      }
      break;
    }
    let lower = text
      .slice(start, i)
      .toLowerCase()
      .replace(/\u2019/g, "'");
    if (lower.endsWith("'s")) lower = lower.slice(0, -2);
    const numeric = /^[0-9][0-9,.]*[km]?$/.test(lower);
    if (CLAUSE_BREAK_WORDS.has(lower)) clause++;
    const singular = numeric ? lower : singularize(lower);
    tokens.push({
      lower,
      canon: lexicon && !numeric ? lexicon.resolve(singular) : singular,
      start,
      end: i,
      clause,
      sentence,
      numeric,
    });
  }
  return { text, tokens };
}

/** Whether the token at `index` is negated: a negator shortly before it in the same clause, or "not required" after. */
export function isNegated(doc: Doc, index: number, last = index): boolean {
  const token = doc.tokens[index];
  if (!token) return false;
  for (let j = index - 1; j >= Math.max(0, index - 4); j--) {
    const before = doc.tokens[j];
    if (!before || before.clause !== token.clause) break;
    if (NEGATORS.has(before.lower)) return true;
  }
  for (const pattern of AFTER_NEGATIONS) {
    for (let k = last + 1; k <= last + 3; k++) {
      if (pattern.every((word, n) => doc.tokens[k + n]?.lower === word && doc.tokens[k + n]?.clause === token.clause)) {
        return true;
      }
    }
  }
  return false;
}

export function spanOf(doc: Doc, first: number, last: number): Span {
  const start = doc.tokens[first]?.start ?? 0;
  const end = doc.tokens[last]?.end ?? start;
  return { start, end, text: doc.text.slice(start, end) };
}

/** Splits a phrase into the singular word forms tokens are compared against. */
export function phraseWords(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .split(/[^a-z0-9']+/)
    .filter((w) => w.length > 0)
    .map((w) => (/^[0-9]/.test(w) ? w : singularize(w)));
}

type PhraseIndex = Map<string, { phrase: string; words: string[] }[]>;

/** Phrase lists by first word, per list: the vocabularies are fixed lists searched in every description. */
const phraseIndexes = new WeakMap<readonly string[], PhraseIndex>();

function phraseIndex(phrases: readonly string[]): PhraseIndex {
  const known = phraseIndexes.get(phrases);
  if (known) return known;
  const byFirst: PhraseIndex = new Map();
  for (const phrase of phrases) {
    const words = phraseWords(phrase);
    const first = words[0];
    if (first === undefined) continue;
    const list = byFirst.get(first) ?? [];
    list.push({ phrase, words });
    byFirst.set(first, list);
  }
  phraseIndexes.set(phrases, byFirst);
  return byFirst;
}

/**
 * Every occurrence of each phrase, in token order; a phrase's words must be adjacent. Pass the same array (never changed)
 * for the same list, as `scoreTerms` does per table, and its index is built once.
 */
export function findPhrases(doc: Doc, phrases: readonly string[]): Map<string, PhraseMatch[]> {
  const byFirst = phraseIndex(phrases);
  const result = new Map<string, PhraseMatch[]>();
  doc.tokens.forEach((token, index) => {
    const candidates = [
      ...(byFirst.get(token.canon) ?? []),
      ...(token.canon !== token.lower ? (byFirst.get(token.lower) ?? []) : []),
    ];
    for (const { phrase, words } of candidates) {
      let fuzzy = false;
      let ok = true;
      for (let n = 0; n < words.length; n++) {
        const t = doc.tokens[index + n];
        const w = words[n];
        if (!t || (n > 0 && t.sentence !== token.sentence)) {
          ok = false;
          break;
        }
        if (t.lower === w || singularize(t.lower) === w) continue;
        if (t.canon === w) {
          fuzzy = true;
          continue;
        }
        ok = false;
        break;
      }
      if (!ok) continue;
      const last = index + words.length - 1;
      const list = result.get(phrase) ?? [];
      if (list.some((m) => m.first === index)) continue;
      list.push({ first: index, last, span: spanOf(doc, index, last), negated: isNegated(doc, index, last), fuzzy });
      result.set(phrase, list);
    }
  });
  return result;
}

/** Rounds a confidence to two decimals so the IR bytes never depend on float noise. */
export function round2(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

/** Combines independent evidence weights: 1 - Π(1 - w). */
export function combine(weights: readonly number[]): number {
  return 1 - weights.reduce((acc, w) => acc * (1 - Math.min(1, Math.max(0, w))), 1);
}
