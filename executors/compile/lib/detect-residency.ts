// Reads where the people a service keeps data about live: EU/EEA places and peoples are GDPR evidence.
import type { Span } from '../../../schemas/common.js';
import { tokenTags } from './part-of-speech.js';
import { type Doc, findPhrases, isNegated } from './text-match.js';

/** The EU, the EEA and their member states, with capitals and the largest cities (GDPR applies across the EEA). */
const EU_PLACES = [
  'eu',
  'european union',
  'eea',
  'european economic area',
  'europe',
  'austria',
  'belgium',
  'bulgaria',
  'croatia',
  'cyprus',
  'czechia',
  'czech republic',
  'denmark',
  'estonia',
  'finland',
  'france',
  'germany',
  'greece',
  'hungary',
  'ireland',
  'italy',
  'latvia',
  'lithuania',
  'luxembourg',
  'malta',
  'netherlands',
  'holland',
  'poland',
  'portugal',
  'romania',
  'slovakia',
  'slovenia',
  'spain',
  'sweden',
  'iceland',
  'liechtenstein',
  'norway',
  'vienna',
  'brussels',
  'zagreb',
  'prague',
  'copenhagen',
  'tallinn',
  'helsinki',
  'paris',
  'berlin',
  'munich',
  'hamburg',
  'athens',
  'budapest',
  'dublin',
  'rome',
  'riga',
  'vilnius',
  'amsterdam',
  'rotterdam',
  'warsaw',
  'lisbon',
  'bucharest',
  'bratislava',
  'ljubljana',
  'madrid',
  'barcelona',
  'stockholm',
  'oslo',
];
/** Adjectives of EU/EEA peoples: evidence when they qualify a noun ("a German club"), not a language ("in German"). */
const EU_PEOPLES = new Set(
  'european austrian belgian bulgarian croatian cypriot czech danish estonian finnish french german greek hungarian irish italian latvian lithuanian luxembourgish maltese dutch polish portuguese romanian slovak slovenian spanish swedish icelandic norwegian'.split(
    ' ',
  ),
);
const LANGUAGE_WORDS = new Set(
  'language languages translation translations version versions locale text texts string strings word words grammar keyboard speaker speakers speaking'.split(
    ' ',
  ),
);
/** Words before a place that put people outside it ("customers outside the EU", "non-EU"). */
const OUTSIDE = new Set(['outside', 'non', 'except', 'excluding', 'beyond']);
/** Cloud region names ("eu-west-1") say where servers run, not where people live. */
const REGION_AFTER = new Set(['west', 'central', 'north', 'south', 'east', 'region', 'regions']);
/** Singular words naming people whose personal data a service keeps. */
const PEOPLE = new Set(
  'customer client user member patient employee student citizen resident person people guest traveller traveler freelancer subscriber shopper buyer applicant candidate visitor volunteer participant parent learner tenant owner driver'.split(
    ' ',
  ),
);

/** With people in the text, a place or people of the EU makes GDPR likely; alone it is only a hint. */
const WITH_PEOPLE = 0.75;
const WITHOUT_PEOPLE = 0.35;

export interface Residency {
  weight: number;
  span: Span;
}

const PEOPLE_PHRASES = ['personal data', 'sign up'];

function mentionsPeople(doc: Doc): boolean {
  if (doc.tokens.some((t) => PEOPLE.has(t.canon) || PEOPLE.has(t.lower))) return true;
  return (findPhrases(doc, PEOPLE_PHRASES).size ?? 0) > 0;
}

/** A place usually ends its clause ("we do not serve customers in the EU"): look further back than a noun would. */
function negatedAround(doc: Doc, index: number): boolean {
  for (let k = index; k >= Math.max(0, index - 3); k--) {
    if (doc.tokens[k]?.clause !== doc.tokens[index]?.clause) break;
    if (isNegated(doc, k)) return true;
  }
  return false;
}

/** The noun a people's adjective qualifies ("German club", "Dutch non-profit organisations"), if not a language. */
function qualifiedNoun(doc: Doc, index: number): number | undefined {
  const clause = doc.tokens[index]?.clause;
  for (let k = index + 1; k <= index + 3; k++) {
    const t = doc.tokens[k];
    if (!t || t.clause !== clause || LANGUAGE_WORDS.has(t.lower)) return undefined;
    const tags = tokenTags(doc, k);
    if (!tags || tags.noun) return k;
    const hyphenated = doc.text[t.end] === '-' || doc.text[t.start - 1] === '-';
    if (!tags.adjective && !hyphenated) return undefined;
  }
  return undefined;
}

/** The first non-negated EU/EEA place or people in the text, weighted by whether the text is about people. */
export function euResidency(doc: Doc): Residency | undefined {
  const found: { first: number; span: Span }[] = [];
  for (const matches of findPhrases(doc, EU_PLACES).values()) {
    for (const m of matches) {
      const after = doc.tokens[m.last + 1];
      if (m.fuzzy || negatedAround(doc, m.first)) continue;
      if ([1, 2].some((back) => OUTSIDE.has(doc.tokens[m.first - back]?.lower ?? ''))) continue;
      if (doc.tokens[m.first]?.lower === 'eu' && after && REGION_AFTER.has(after.lower)) continue;
      found.push({ first: m.first, span: m.span });
    }
  }
  doc.tokens.forEach((token, index) => {
    if (!EU_PEOPLES.has(token.lower) || negatedAround(doc, index)) return;
    const noun = qualifiedNoun(doc, index);
    if (noun === undefined) return;
    const end = doc.tokens[noun]?.end ?? token.end;
    found.push({ first: index, span: { start: token.start, end, text: doc.text.slice(token.start, end) } });
  });
  found.sort((a, b) => a.first - b.first);
  const first = found[0];
  if (!first) return undefined;
  return { weight: mentionsPeople(doc) ? WITH_PEOPLE : WITHOUT_PEOPLE, span: first.span };
}
