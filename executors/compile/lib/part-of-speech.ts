// Part-of-speech tags for a description's tokens, read once per text with compromise (loaded on first use).
import { createRequire } from 'node:module';
import type nlpType from 'compromise';
import { singularize } from '../../../core/naming.js';
import { ENGLISH_WORDS_JSON } from './english-words.js';
import type { Doc } from './text-match.js';

export interface TokenTags {
  noun: boolean;
  plural: boolean;
  verb: boolean;
  gerund: boolean;
  adjective: boolean;
  adverb: boolean;
  /** Names of people, places and organisations: never an entity the service stores. */
  proper: boolean;
}

type Nlp = typeof nlpType;
let nlp: Nlp | undefined;
/** compromise takes ~200 ms to load, so commands that never compile a description never pay for it. */
function loadNlp(): Nlp {
  nlp ??= createRequire(import.meta.url)('compromise') as Nlp;
  return nlp;
}

/** Tagging costs ~0.1 ms a word; beyond this many characters the rules fall back to the words alone. */
const TAGGED_PREFIX = 12_000;
const NONE: TokenTags = {
  noun: false,
  plural: false,
  verb: false,
  gerund: false,
  adjective: false,
  adverb: false,
  proper: false,
};
/** Words after which the next word is a noun (or a noun's modifier). */
const NOUN_BEFORE = new Set(
  'a an the each every this these those their our its his her your my many multiple several some any all no per'.split(
    ' ',
  ),
);
const cache = new WeakMap<Doc, (TokenTags | undefined)[]>();

interface Term {
  tags: Set<string>;
  offset?: { start: number; length: number };
}

function tagsOf(term: Term): TokenTags {
  const has = (tag: string) => term.tags.has(tag);
  return {
    noun: has('Noun'),
    plural: has('Plural'),
    verb: has('Verb'),
    gerund: has('Gerund'),
    adjective: has('Adjective'),
    adverb: has('Adverb'),
    proper: has('Person') || has('Place') || has('Organization'),
  };
}

function tagDoc(doc: Doc): (TokenTags | undefined)[] {
  const tagged = loadNlp()(doc.text.slice(0, TAGGED_PREFIX));
  tagged.compute('offset');
  const terms = (tagged.docs as Term[][]).flat();
  const result: (TokenTags | undefined)[] = [];
  let t = 0;
  for (const token of doc.tokens) {
    // Both tokenizers walk the text left to right: the term covering a token's first character tags it.
    while (t < terms.length && (terms[t]?.offset?.start ?? 0) + (terms[t]?.offset?.length ?? 0) <= token.start) t++;
    const term = terms[t];
    result.push(term?.offset && term.offset.start <= token.start ? tagsOf(term) : undefined);
  }
  return result;
}

/** The tags of the token at `index`, or undefined past the tagged prefix or where the tokenizers disagree. */
export function tokenTags(doc: Doc, index: number): TokenTags | undefined {
  let tags = cache.get(doc);
  if (!tags) {
    tags = tagDoc(doc);
    cache.set(doc, tags);
  }
  return tags[index];
}

/**
 * Whether the token can be a noun here; `true` when untagged, so the word-only rules decide. A word that looks
 * plural stays a noun even when tagged as a verb: "visitors pay for parking spots" tags "spots" as a verb.
 */
export function readsAsNoun(doc: Doc, index: number): boolean {
  const tags = tokenTags(doc, index);
  const token = doc.tokens[index];
  if (!tags || !token) return true;
  if (tags.proper) return false;
  if (tags.noun && !tags.adjective) return true;
  // "each campaign has …": after a determiner a word is a noun, whatever the lexicon says about it alone.
  const before = doc.tokens[index - 1];
  if (before && before.clause === token.clause && NOUN_BEFORE.has(before.lower)) return true;
  return !tags.gerund && !tags.adjective && singularize(token.lower) !== token.lower;
}

/** Whether the token is a verb or an adjective and not also a noun, e.g. "update" in "update orders", "main". */
export function readsAsNonNoun(doc: Doc, index: number): boolean {
  const tags = tokenTags(doc, index) ?? NONE;
  return !tags.noun && (tags.verb || tags.adjective || tags.adverb);
}

let englishWords: Set<string> | undefined;

/**
 * Whether the word is in compromise's English lexicon (a real word, so never a typo to correct). Read from the list
 * generated from that lexicon, so correcting typos never loads compromise itself.
 */
export function isKnownEnglishWord(word: string): boolean {
  englishWords ??= new Set(JSON.parse(ENGLISH_WORDS_JSON) as string[]);
  return englishWords.has(word);
}
