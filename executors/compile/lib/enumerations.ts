// Lists that name a data model in README prose: "for managing products, categories and suppliers", "including
// users, parcels and journeys", "data such as events and venues", "Customer management", "Pet CRUD".
import { type EntityRef, isEntityHead, type ListItem, parseList, resolveRun } from './noun-phrase.js';
import { readsAsNoun } from './part-of-speech.js';
import type { Doc } from './text-match.js';
import { FEATURE_WORDS } from './vocabulary.js';

/** Verbs that say the service keeps what follows. Said as an instruction ("Track widgets …") see `isInstruction`. */
export const MANAGE = new Set([
  'track',
  'tracks',
  'manage',
  'manages',
  'store',
  'stores',
  'record',
  'records',
  'handle',
  'handles',
  'register',
  'registers',
  'maintain',
  'maintains',
  'administer',
  'administers',
  'organize',
  'organizes',
  'organise',
  'organises',
]);
/** Words after which a list names things kept: gerunds of `MANAGE`, and "including". */
const LIST_CUES = new Set([
  'managing',
  'handling',
  'tracking',
  'storing',
  'recording',
  'registering',
  'maintaining',
  'administering',
  'organizing',
  'organising',
  'including',
]);
/** What opens a bullet line: "-", "*", "•", "1." or "1)". */
const BULLET = /^([-*\u2022]|\d+[.)])$/;
/** "X management", "X CRUD": the noun before names something the service keeps. */
const KEEPS_BEFORE = new Set(['management', 'crud', 'registry', 'catalog', 'catalogue']);
/**
 * Nouns that go with "management" for an activity or a setting, not a stored thing ("access management"), and
 * "people", which in a list means whoever the data is about ("personal data of people in the EU").
 */
const NOT_KEPT = new Set(
  'data content access identity state risk time change release configuration config version lifecycle knowledge key permission role relationship performance user-role quality person people'.split(
    ' ',
  ),
);

/**
 * "Track widgets, gizmos and customers.": a sentence that opens with the verb is the writer's own instruction, so a
 * noun the vocabulary lacks is reported for them to confirm rather than modelled; prose that describes a system
 * ("it manages parcels and journeys") and feature bullets ("- Manage rooms and reservations") name its data model.
 */
export function isInstruction(doc: Doc, at: number): boolean {
  const token = doc.tokens[at];
  const before = doc.tokens[at - 1];
  if (!token || (before !== undefined && before.sentence === token.sentence)) return false;
  return !BULLET.test(doc.text.slice(doc.text.lastIndexOf('\n', token.start - 1) + 1, token.start).trim());
}

/** The entity a list item names, if it is one: known nouns (weak ones in the plural) and unknown plural nouns. */
function keptItem(doc: Doc, item: ListItem, allowSingular: boolean): EntityRef | undefined {
  const ref = resolveRun(doc, item.first, item.last, true);
  const head = doc.tokens[ref?.last ?? -1];
  if (!ref || !head || NOT_KEPT.has(head.canon)) return undefined;
  if (ref.known) return !ref.weak || ref.plural || allowSingular ? ref : undefined;
  if (FEATURE_WORDS.has(head.canon)) return undefined;
  return ref.plural || allowSingular ? ref : undefined;
}

/** Notes the entities of the list that starts at `start` ("keeps track of X"), or of the bullets after a colon. */
export function noteListed(doc: Doc, start: number, note: (ref: EntityRef) => void): void {
  const from = doc.tokens[start]?.lower === 'of' ? start + 1 : start;
  const starts = opensBullets(doc, from) ? bulletStarts(doc, from) : [from];
  for (const first of starts) {
    for (const item of parseList(doc, first)) {
      const ref = keptItem(doc, item, false);
      if (ref) note(ref);
    }
  }
}

/** Whether a colon and a line break come right before `start`: "designed to manage:\n- Book details". */
function opensBullets(doc: Doc, start: number): boolean {
  const previous = doc.tokens[start - 1];
  const token = doc.tokens[start];
  return (
    previous !== undefined && token !== undefined && /:[ \t]*\r?\n/.test(doc.text.slice(previous.end, token.start))
  );
}

/** First tokens of the bullet lines from `start` on ("- ", "* ", "1. ", or a symbol such as an emoji), at most 12. */
function bulletStarts(doc: Doc, start: number): number[] {
  const starts: number[] = [];
  let k = start;
  while (k < doc.tokens.length && starts.length < 12) {
    const token = doc.tokens[k];
    const previous = doc.tokens[k - 1];
    if (!token || !previous) break;
    const lineStart = doc.text.lastIndexOf('\n', token.start - 1) + 1;
    const marker = doc.text.slice(lineStart, token.start).trim();
    const isBullet =
      lineStart > previous.end && (/^([-*\u2022]|\d+[.)])$/.test(marker) || /[^\x00-\x7f]/.test(token.lower));
    if (!isBullet) break;
    starts.push(k);
    const sentence = token.sentence;
    while (k < doc.tokens.length && doc.tokens[k]?.sentence === sentence) k++;
  }
  return starts;
}

/** Verbs that open a feature bullet about the things it names: "- Add new books", "- Create, edit and delete pets". */
const BULLET_VERBS = new Set([
  'add',
  'create',
  'edit',
  'update',
  'delete',
  'remove',
  'view',
  'browse',
  'list',
  'search',
]);

/** Whether the token is the first word of a bullet line. */
function opensBullet(doc: Doc, at: number): boolean {
  const token = doc.tokens[at];
  if (!token) return false;
  const lineStart = doc.text.lastIndexOf('\n', token.start - 1) + 1;
  return BULLET.test(doc.text.slice(lineStart, token.start).trim());
}

/** Notes the entities an enumeration cue at `at` introduces; returns whether `at` was such a cue. */
export function enumeration(doc: Doc, at: number, note: (ref: EntityRef) => void): boolean {
  const token = doc.tokens[at];
  if (!token) return false;
  if (BULLET_VERBS.has(token.lower) && opensBullet(doc, at)) {
    noteListed(doc, at + 1, note);
    return true;
  }
  if (LIST_CUES.has(token.lower)) {
    noteListed(doc, at + 1, note);
    return true;
  }
  if (token.lower === 'such' && doc.tokens[at + 1]?.lower === 'as') {
    noteListed(doc, at + 2, note);
    return true;
  }
  if (KEEPS_BEFORE.has(token.lower)) {
    const kept = namesProduct(doc, at) ? undefined : nounBefore(doc, at);
    if (kept) note(kept);
    // "CRUD for projects, tasks and subtasks", "CRUD operations on pets".
    let k = at + 1;
    if (doc.tokens[k]?.lower === 'operations') k++;
    if (token.lower === 'crud' && ['for', 'on', 'of'].includes(doc.tokens[k]?.lower ?? ''))
      noteListed(doc, k + 1, note);
    return true;
  }
  return false;
}

/** Words after "X management" that make it the kind of product ("a library management system"), not its data. */
const PRODUCT_WORDS = new Set(
  'system systems software platform app application tool tools solution solutions service services api apis module suite'.split(
    ' ',
  ),
);

/** "Therapy practice management.", "an association management system": the category of the product itself. */
function namesProduct(doc: Doc, at: number): boolean {
  const token = doc.tokens[at];
  const next = doc.tokens[at + 1];
  if (next && next.clause === token?.clause && PRODUCT_WORDS.has(next.lower)) return true;
  return token?.sentence === 0;
}

/** The noun (with one modifier) right before `at` in the same clause: "Customer management", "guest profile". */
function nounBefore(doc: Doc, at: number): EntityRef | undefined {
  const clause = doc.tokens[at]?.clause;
  const last = at - 1;
  const head = doc.tokens[last];
  if (!head || head.clause !== clause || NOT_KEPT.has(head.canon)) return undefined;
  if (!readsAsNoun(doc, last)) return undefined;
  const first = doc.tokens[last - 1]?.clause === clause && last > 0 && isEntityHead(doc, last - 1) ? last - 1 : last;
  return keptItem(doc, { first, last }, true);
}
