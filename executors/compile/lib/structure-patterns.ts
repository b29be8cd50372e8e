// Sentence patterns beyond "has" and "belongs to": many-to-many phrases, subject-verb-object, headings and parentheses.

import { singularize } from '../../../core/naming.js';
import type { RelationshipKind } from '../../../schemas/common.js';
import {
  type EntityRef,
  isEntityHead,
  isPhraseStop,
  type ListItem,
  MODALS,
  parseList,
  resolveRun,
} from './noun-phrase.js';
import { tokenTags } from './part-of-speech.js';
import type { Doc, Token } from './text-match.js';
import { DETERMINERS, NON_ENTITY_WORDS } from './vocabulary.js';

export function isPluralWord(word: string): boolean {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && singularize(word) !== word;
}

/** "orders and products have a many-to-many relationship" / "many-to-many between orders and products". */
export function manyToManyAround(
  doc: Doc,
  at: number,
  relate: (a: EntityRef, b: EntityRef, kind: RelationshipKind, at: number) => void,
): void {
  const sentence = doc.tokens[at]?.sentence;
  const refs: EntityRef[] = [];
  const after =
    doc.tokens[at + 4]?.lower === 'between' ? at + 5 : doc.tokens[at + 3]?.lower === 'between' ? at + 4 : -1;
  const range = after >= 0 ? [after, Math.min(doc.tokens.length, after + 8)] : [Math.max(0, at - 10), at];
  for (let k = range[0] ?? 0; k < (range[1] ?? 0); k++) {
    if (doc.tokens[k]?.sentence !== sentence) continue;
    const ref = resolveRun(doc, k, k, false) ?? (k > 0 ? resolveRun(doc, k - 1, k, false) : undefined);
    if (ref && !refs.some((r) => r.name === ref.name)) refs.push(ref);
  }
  const pair = after >= 0 ? refs.slice(0, 2) : refs.slice(-2);
  const [a, b] = pair;
  if (a && b) relate(a, b, 'many-to-many', at);
}

/**
 * "landlords list apartments", "members reserve time slots": a plural noun opening a clause, a verb, and a plural
 * object name two things the service keeps. Both must be plural so that prose ("the app sends reminders") stays out.
 */
export function subjectVerbObject(doc: Doc, at: number, note: (ref: EntityRef) => void): void {
  const subject = doc.tokens[at];
  const previous = doc.tokens[at - 1];
  if (!subject || !isPluralWord(subject.lower)) return;
  if (previous && previous.clause === subject.clause && !SUBJECT_OPENERS.has(previous.lower)) return;
  let v = at + 1;
  while ((MODALS.has(doc.tokens[v]?.lower ?? '') || doc.tokens[v]?.lower === 'to') && v < at + 3) v++;
  // "pre-order", "re-book": the verb is the word after the prefix.
  if (doc.text[doc.tokens[v]?.end ?? 0] === '-' && (doc.tokens[v]?.lower.length ?? 9) <= 3) v++;
  const verb = doc.tokens[v];
  if (!verb || verb.clause !== subject.clause || verb.numeric || !/^[a-z]{3,}$/.test(verb.lower)) return;
  if (
    isPhraseStop(verb.lower) ||
    NON_ENTITY_WORDS.has(verb.lower) ||
    isPluralWord(verb.lower) ||
    /(ly|ed)$/.test(verb.lower)
  ) {
    return;
  }
  let o = v + 1;
  if (OBJECT_PREPOSITIONS.has(doc.tokens[o]?.lower ?? '')) o++;
  while (DETERMINERS.has(doc.tokens[o]?.lower ?? '') && o < v + 4) o++;
  let end = o;
  const inClause = (k: number) => doc.tokens[k]?.clause === subject.clause && !isPhraseStop(doc.tokens[k]?.lower ?? '');
  while (end < o + 1 && inClause(end + 1) && !isPluralWord(doc.tokens[end]?.lower ?? '')) end++;
  const objectHead = doc.tokens[end];
  const from = resolveRun(doc, at, at, true);
  if (!objectHead || objectHead.clause !== subject.clause || !isPluralWord(objectHead.lower)) {
    // "users can sign up, log in, credit their wallets …": the objects may come in the later clauses.
    if (from && tokenTags(doc, v)?.verb && laterObjects(doc, v + 1, from.name, note) > 0) note(from);
    return;
  }
  const to = resolveRun(doc, o, end, true);
  if (from && to && from.name !== to.name) {
    note(from);
    note(to);
    laterObjects(doc, end + 1, from.name, note);
  }
}

/** The first index from `start` on whose token fails `skip`. */
function skipWhile(doc: Doc, start: number, skip: (token: Token, at: number) => boolean): number {
  let k = start;
  while (k < doc.tokens.length && skip(doc.tokens[k] as Token, k)) k++;
  return k;
}

/**
 * "customers create bookings, select cars, customize stops and make payments": after a subject's first verb and
 * object, each further clause of the sentence that is a verb and a plural noun names one more thing kept.
 */
function laterObjects(doc: Doc, start: number, subject: string, note: (ref: EntityRef) => void): number {
  const sentence = doc.tokens[start]?.sentence;
  let noted = 0;
  let k = start;
  while (k < doc.tokens.length && doc.tokens[k]?.sentence === sentence) {
    const clause = doc.tokens[k]?.clause;
    const v = skipWhile(doc, k, (t) => t.clause === clause && (t.lower === 'and' || MODALS.has(t.lower)));
    const verb = doc.tokens[v];
    const tags = tokenTags(doc, v);
    // A one-word clause ("sign up, login, credit their wallets") is a verb without an object: read on.
    if (verb?.clause === clause && doc.tokens[v + 1]?.clause !== clause) {
      k = v + 1;
      continue;
    }
    if (!verb || verb.clause !== clause || !tags?.verb || tags.noun || tags.gerund) return noted;
    // A verb without a plural object ("log in", "reset the password") leaves the next clause to be read.
    const next = () => skipWhile(doc, k, (t) => t.clause === clause);
    const o = skipWhile(
      doc,
      v + 1,
      (t, at) => t.clause === clause && (DETERMINERS.has(t.lower) || tokenTags(doc, at)?.adjective === true),
    );
    let end = o;
    if (doc.tokens[end + 1]?.clause === clause && !isPluralWord(doc.tokens[end]?.lower ?? '')) end++;
    const head = doc.tokens[end];
    const object = head?.clause === clause && isPluralWord(head.lower) ? resolveRun(doc, o, end, true) : undefined;
    if (object && object.name !== subject) {
      note(object);
      noted++;
    }
    k = next();
  }
  return noted;
}

const SUBJECT_OPENERS = new Set([
  'the',
  'our',
  'their',
  'all',
  'both',
  'and',
  'then',
  'where',
  'when',
  'once',
  'so',
  // "allows customers to create bookings", "lets members reserve slots"
  'allows',
  'allow',
  'lets',
  'let',
  'enables',
  'enable',
  'helps',
  'help',
]);
const OBJECT_PREPOSITIONS = new Set(['for', 'to', 'in', 'on']);

/** "- Customers: name, email and phone": a heading noun (any noun when it opens its line) and its fields. */
export function colonFields(doc: Doc, at: number, addField: (owner: EntityRef, item: ListItem) => void): void {
  const sentence = doc.tokens[at]?.sentence;
  const opensLine = (k: number) => k === 0 || doc.tokens[k - 1]?.sentence !== sentence;
  let first = at;
  while (first > at - 2 && first > 0 && doc.tokens[first - 1]?.sentence === sentence) first--;
  if (!opensLine(first)) first = at;
  // A heading names a thing only when it ends in a noun: "Customers:", not "This software manages:".
  const owner = resolveRun(doc, first, at, opensLine(first) && isEntityHead(doc, at, true));
  if (!owner) return;
  for (const item of parseList(doc, at + 1)) addField(owner, item);
}

/** "customers (name, email, phone)": the parenthesised words are fields of the entity before them. */
export function parenthesisFields(doc: Doc, at: number, addField: (owner: EntityRef, item: ListItem) => void): void {
  const owner = resolveRun(doc, at, at, false);
  if (!owner) return;
  const close = doc.text.indexOf(')', doc.tokens[at]?.end ?? 0);
  if (close < 0) return;
  for (const item of parseList(doc, at + 1)) {
    if ((doc.tokens[item.last]?.end ?? Number.POSITIVE_INFINITY) > close) break;
    addField(owner, item);
  }
}
