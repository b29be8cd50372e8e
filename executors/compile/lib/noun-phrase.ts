// Noun-phrase helpers for the structural patterns: which entity a run of words names, and lists of items.

import { entityName, singularize } from '../../../core/naming.js';
import { ENTITY_TERMS } from './entity-vocabulary.js';
import { readsAsNoun, tokenTags } from './part-of-speech.js';
import { type Doc, phraseWords } from './text-match.js';
import { DATA_OF_HEADS, DETERMINERS, GENERIC_NOUNS, LIST_STOP_WORDS, NON_ENTITY_WORDS } from './vocabulary.js';

export interface EntityRef {
  name: string;
  first: number;
  last: number;
  known: boolean;
  weak: boolean;
  /** Whether the head word was written in plural. */
  plural: boolean;
}

/** Words that end a noun phrase. */
const PHRASE_STOP = new Set([
  ...LIST_STOP_WORDS,
  ...DETERMINERS,
  'and',
  'or',
  'with',
  'of',
  'not',
  'no',
  'without',
  'belong',
  'belongs',
  'contain',
  'contains',
  'hold',
  'holds',
  'own',
  'owns',
  'they',
  'them',
  'we',
  'it',
  'he',
  'she',
  'you',
  'i',
  'us',
  'our',
  'this',
  'these',
  'those',
  'there',
  'what',
  'how',
  'need',
  'needs',
  'get',
  'gets',
  'link',
  'linked',
  'assigned',
  'attached',
  'associated',
  'related',
  'tied',
  'want',
  'like',
  'just',
  'about',
  'both',
  'either',
]);
/** Verbs that start a new clause when they follow a noun inside a list. */
const CLAUSE_VERBS = new Set([
  'have',
  'has',
  'belong',
  'belongs',
  'are',
  'is',
  'can',
  'will',
  'must',
  'should',
  'may',
  'need',
  'needs',
  'contain',
  'contains',
  'get',
  'gets',
  'were',
  'was',
  'do',
  'does',
  'hold',
  'holds',
  'own',
  'owns',
]);
export const MODALS = new Set([
  'can',
  'may',
  'will',
  'should',
  'must',
  'could',
  'might',
  'would',
  'do',
  'does',
  'also',
  'often',
  'usually',
  'typically',
  'always',
  'each',
  'all',
  'then',
]);

const known = new Map<string, { name: string; weak: boolean }>();
for (const [name, { phrases, weak }] of Object.entries(ENTITY_TERMS)) {
  for (const phrase of phrases) known.set(phraseWords(phrase).join(' '), { name, weak: weak ?? false });
}

export function isPhraseStop(word: string): boolean {
  return PHRASE_STOP.has(word);
}

/** The known entity a phrase (as singular words) names, if any. */
export function knownEntity(words: string): { name: string; weak: boolean } | undefined {
  return known.get(words);
}

/** Whether a word could name an entity nobody listed: alphabetic, not a function word, not a generic noun. */
export function isNounCandidate(word: string): boolean {
  return (
    /^[a-z][a-z-]{2,30}$/.test(word) &&
    !PHRASE_STOP.has(word) &&
    !MODALS.has(word) &&
    !NON_ENTITY_WORDS.has(word) &&
    !NON_ENTITY_WORDS.has(singularize(word)) &&
    !GENERIC_NOUNS.has(word) &&
    !GENERIC_NOUNS.has(singularize(word)) &&
    !/(ly|ing|ed|ful|ous|ive|able|ible)$/.test(word)
  );
}

/** How the word is written: acronyms (RBAC, JWT) and brand-like mixed case (PocketBase, eBoekhouden) name no entity. */
function writtenAsName(doc: Doc, index: number): boolean {
  const token = doc.tokens[index];
  if (!token) return false;
  const written = doc.text.slice(token.start, token.end);
  return /^[A-Z0-9]{2,}s?$/.test(written) || /[a-z][A-Z]/.test(written) || /[_0-9]/.test(written);
}

/**
 * Whether the token can head the name of an entity nobody listed: a plain noun here, not a verb, name or acronym.
 * `strict` also refuses plural-looking words tagged as verbs ("This software manages:").
 */
export function isEntityHead(doc: Doc, index: number, strict = false): boolean {
  const token = doc.tokens[index];
  const tags = strict ? tokenTags(doc, index) : undefined;
  return (
    token !== undefined &&
    isNounCandidate(token.lower) &&
    !writtenAsName(doc, index) &&
    readsAsNoun(doc, index) &&
    !(tags?.verb && !tags.noun) &&
    !(doc.text[token.start - 1] === '/' || doc.text[token.end] === '/')
  );
}

/** Resolves the words first..last (a run of nouns) to the entity its head names, longest known suffix first. */
export function resolveRun(doc: Doc, first: number, last: number, allowUnknown: boolean): EntityRef | undefined {
  // "employee records", "guest profiles", "book details": the data of an employee, a guest, a book.
  const headWord = doc.tokens[last]?.lower ?? '';
  if (last > first && DATA_OF_HEADS.has(headWord) && !knownEntity(singularWords(doc, last - 1, last))) {
    const ref = resolveRun(doc, first, last - 1, allowUnknown);
    return ref && { ...ref, plural: ref.plural || singularize(headWord) !== headWord };
  }
  for (let start = Math.max(first, last - 2); start <= last; start++) {
    const words = doc.tokens.slice(start, last + 1);
    for (const key of [words.map((t) => t.canon).join(' '), words.map((t) => singularize(t.lower)).join(' ')]) {
      const hit = knownEntity(key);
      const head = doc.tokens[last];
      if (hit && head) {
        return {
          name: hit.name,
          first: start,
          last,
          known: true,
          weak: hit.weak,
          plural: singularize(head.lower) !== head.lower,
        };
      }
    }
  }
  const head = doc.tokens[last];
  const alias = head ? doc.aliases?.get(head.canon) : undefined;
  if (alias && head) {
    return { name: alias, first: last, last, known: true, weak: false, plural: singularize(head.lower) !== head.lower };
  }
  if (!allowUnknown || !head || !isEntityHead(doc, last)) return undefined;
  // "invoice lines", "parking spots": a noun before an unknown head names the kind of thing it is; an adjective
  // ("busy hospital", "main capability") or a name ("PocketBase tickets") does not.
  const modifier = last > first ? doc.tokens[last - 1] : undefined;
  const modifierWord = modifier?.lower.replace(/ing$/, 'e') ?? '';
  if (
    modifier &&
    isNounCandidate(modifierWord) &&
    singularize(modifier.lower) === modifier.lower &&
    !tokenTags(doc, last - 1)?.adjective &&
    !writtenAsName(doc, last - 1)
  ) {
    return {
      name: entityName(`${modifier.lower} ${head.lower}`),
      first: last - 1,
      last,
      known: false,
      weak: false,
      plural: singularize(head.lower) !== head.lower,
    };
  }
  return {
    name: entityName(head.lower),
    first: last,
    last,
    known: false,
    weak: false,
    plural: singularize(head.lower) !== head.lower,
  };
}

function singularWords(doc: Doc, first: number, last: number): string {
  return doc.tokens
    .slice(first, last + 1)
    .map((t) => singularize(t.lower))
    .join(' ');
}

/** The noun phrase ending right before `index` (skipping modals such as "can"), within the same clause. */
export function entityBefore(doc: Doc, index: number, allowUnknown: boolean): EntityRef | undefined {
  const anchor = doc.tokens[index];
  if (!anchor) return undefined;
  let last = index - 1;
  while (last >= 0 && MODALS.has(doc.tokens[last]?.lower ?? '') && doc.tokens[last]?.clause === anchor.clause) last--;
  let first = last;
  while (first - 1 >= 0 && last - first < 2) {
    const t = doc.tokens[first - 1];
    if (!t || t.clause !== anchor.clause || PHRASE_STOP.has(t.lower) || t.numeric || MODALS.has(t.lower)) break;
    first--;
  }
  const head = doc.tokens[last];
  if (last < 0 || !head || head.clause !== anchor.clause || PHRASE_STOP.has(head.lower)) return undefined;
  return resolveRun(doc, first, last, allowUnknown);
}

export interface ListItem {
  first: number;
  last: number;
  /** Quantifier written before the item: many, one, a, ... */
  quantifier?: string;
}

/** Items of a list starting at `start` ("a name, email and phone number"), up to the end of the sentence. */
export function parseList(doc: Doc, start: number): ListItem[] {
  const items: ListItem[] = [];
  const sentence = doc.tokens[start]?.sentence;
  let current: number[] = [];
  let quantifier: string | undefined;
  let inherited: string | undefined;
  const flush = () => {
    const first = current[0];
    const last = current[current.length - 1];
    // "many members and classes": a quantifier carries over to the items after it that have none.
    if (quantifier !== undefined) inherited = quantifier;
    if (first !== undefined && last !== undefined) items.push({ first, last, quantifier: quantifier ?? inherited });
    current = [];
    quantifier = undefined;
  };
  for (let k = start; k < doc.tokens.length && items.length < 20; k++) {
    const t = doc.tokens[k];
    if (!t || t.sentence !== sentence) break;
    if (t.lower === 'and' || t.lower === 'or') {
      flush();
      continue;
    }
    // "…, each order has …" starts a new statement rather than continuing the list.
    if (t.lower === 'each' || t.lower === 'every') break;
    if (current.length === 0 && DETERMINERS.has(t.lower)) {
      quantifier = quantifier ?? t.lower;
      continue;
    }
    const inside = t.lower === 'of' && current.length > 0;
    if (!inside && (PHRASE_STOP.has(t.lower) || MODALS.has(t.lower))) {
      // "…, and products belong to …": the words before a verb are the next clause's subject, not a list item.
      if (CLAUSE_VERBS.has(t.lower)) current = [];
      break;
    }
    // A plural noun followed by more words ("listeners build playlists") is a new clause's subject.
    const previous = doc.tokens[current[current.length - 1] ?? -1];
    if (previous && singularize(previous.lower) !== previous.lower && previous.lower !== 'of') {
      current = [];
      break;
    }
    current.push(k);
    if (current.length > 4) return items;
    const next = doc.tokens[k + 1];
    const gap = next ? doc.text.slice(t.end, next.start) : '';
    if (/[,&/()]/.test(gap)) flush();
    if (/[:;.!?]/.test(gap)) break;
  }
  flush();
  return items.filter((item) => doc.tokens[item.last]?.lower !== 'of');
}
