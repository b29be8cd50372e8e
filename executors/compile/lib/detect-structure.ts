// Reads the data model's structure from sentence patterns: "X have many Y", "each X has a, b and c", "X belong to Y".
import type { RelationshipKind, Span } from '../../../schemas/common.js';
import { enumeration, isInstruction, MANAGE, noteListed } from './enumerations.js';
import { fieldNameOf } from './field-types.js';
import { type EntityRef, entityBefore, type ListItem, parseList, resolveRun } from './noun-phrase.js';
import { readsAsNoun, tokenTags } from './part-of-speech.js';
import {
  colonFields,
  isPluralWord,
  manyToManyAround,
  parenthesisFields,
  subjectVerbObject,
} from './structure-patterns.js';
import { type Doc, isNegated, spanOf } from './text-match.js';
import { FEATURE_WORDS } from './vocabulary.js';

export interface StructuralRelation {
  from: string;
  to: string;
  kind: RelationshipKind;
  span: Span;
  confidence: number;
}

export interface Structure {
  /** Entities named by a pattern, with the span and whether the vocabulary knew them. */
  entities: Map<string, { span: Span; known: boolean; confidence: number }>;
  relations: StructuralRelation[];
  /** Field names per entity, in text order. */
  fields: Map<string, { name: string; span: Span }[]>;
  /** Plural nouns listed as things to manage that no vocabulary knew: reported, not modelled. */
  dropped: { word: string; span: Span }[];
}

const HAVE = new Set(['have', 'has', 'contain', 'contains', 'hold', 'holds', 'include', 'includes', 'own', 'owns']);
const BELONG = new Set(['belong', 'belongs']);
const LINKED = new Set(['linked', 'assigned', 'attached', 'associated', 'tied', 'related', 'connected']);
const STORE = new Set(['store', 'track', 'keep', 'record', 'capture', 'need', 'save', 'collect']);
const MANY = new Set(['many', 'multiple', 'several', 'numerous', 'various', 'more', 'zero', 'any']);
const ONE = new Set(['one', 'exactly', 'single']);
/** People and organisations: "each order has a customer" means the customer has many orders. */
const PARTIES = new Set([
  'Customer',
  'Patient',
  'Practitioner',
  'Merchant',
  'User',
  'Employee',
  'Student',
  'Teacher',
  'Driver',
  'Author',
  'Company',
  'Guest',
  'Owner',
  'Member',
  'Contact',
  'Lead',
  'Supplier',
  'Candidate',
  'Department',
  'Team',
  'Project',
  'Category',
  'Hotel',
  'Venue',
  'Warehouse',
  'Account',
  'Person',
  'Tenant',
  'Course',
  'Wallet',
  'Property',
]);
const COPULA = new Set([
  'is',
  'are',
  'be',
  'been',
  'get',
  'gets',
  'always',
  'each',
  'usually',
  'can',
  'must',
  'should',
]);

/** "has been", "has approached you": "have" as an auxiliary, not as owning what follows. */
function verbAfter(doc: Doc, at: number): boolean {
  const tags = tokenTags(doc, at + 1);
  return doc.tokens[at + 1]?.lower === 'been' || (tags?.verb === true && !readsAsNoun(doc, at + 1));
}

export function detectStructure(doc: Doc): Structure {
  const structure: Structure = { entities: new Map(), relations: [], fields: new Map(), dropped: [] };
  const tokens = doc.tokens;
  const note = (ref: EntityRef) => {
    const existing = structure.entities.get(ref.name);
    const confidence = ref.known ? 0.85 : 0.6;
    if (!existing || existing.confidence < confidence) {
      structure.entities.set(ref.name, { span: spanOf(doc, ref.first, ref.last), known: ref.known, confidence });
    }
  };
  const relate = (from: EntityRef, to: EntityRef, kind: RelationshipKind, at: number) => {
    if (from.name === to.name) return;
    note(from);
    note(to);
    const span = spanOf(doc, Math.min(from.first, to.first), Math.max(from.last, to.last, at));
    structure.relations.push({
      from: from.name,
      to: to.name,
      kind,
      span,
      confidence: from.known && to.known ? 0.85 : 0.6,
    });
  };
  const addField = (owner: EntityRef, item: ListItem) => {
    const words = tokens.slice(item.first, item.last + 1).map((t) => t.lower);
    if (words.some((w) => FEATURE_WORDS.has(w))) return;
    const name = fieldNameOf(words);
    if (!name) return;
    note(owner);
    const list = structure.fields.get(owner.name) ?? [];
    if (!list.some((f) => f.name === name)) list.push({ name, span: spanOf(doc, item.first, item.last) });
    structure.fields.set(owner.name, list);
  };
  /** Items after "has": entities become relationships, the rest become fields of `owner` ("with" needs "many"). */
  const hasItems = (owner: EntityRef, items: ListItem[], at: number, viaWith = false) => {
    for (const item of items) {
      const many = item.quantifier !== undefined && MANY.has(item.quantifier);
      const pluralHead = isPluralWord(doc.tokens[item.last]?.lower ?? '');
      const target = resolveRun(doc, item.first, item.last, !viaWith && (many || pluralHead));
      if (target && (!target.weak || many || target.plural)) {
        if (viaWith && !many) continue;
        if (many || (item.quantifier === undefined && target.plural)) relate(owner, target, 'one-to-many', at);
        else if ((item.quantifier !== undefined && ONE.has(item.quantifier)) || !PARTIES.has(target.name)) {
          relate(owner, target, 'one-to-one', at);
        } else relate(target, owner, 'one-to-many', at);
      } else if (owner.name) {
        addField(owner, item);
      }
    }
  };
  /** The subject of the last pattern in this sentence, for "… and have many …" / "… and is assigned to …". */
  let lastSubject: { ref: EntityRef; sentence: number } | undefined;
  const subjectBefore = (index: number, allowUnknown: boolean): EntityRef | undefined => {
    const anchor = tokens[index];
    let k = index - 1;
    while (k >= 0 && (COPULA.has(tokens[k]?.lower ?? '') || tokens[k]?.lower === 'also')) k--;
    const ref = entityBefore(doc, k + 1, allowUnknown);
    if (ref) {
      if (anchor) lastSubject = { ref, sentence: anchor.sentence };
      return ref;
    }
    if (tokens[k]?.lower === 'and' && lastSubject && lastSubject.sentence === anchor?.sentence) return lastSubject.ref;
    return undefined;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const next = tokens[i + 1]?.lower;
    if (HAVE.has(t.lower) && next !== 'to' && !verbAfter(doc, i) && !isNegated(doc, i)) {
      const owner = subjectBefore(i, true);
      if (owner) hasItems(owner, parseList(doc, i + 1), i);
    } else if (t.lower === 'with' && !isNegated(doc, i)) {
      const owner = entityBefore(doc, i, false);
      if (owner && !owner.weak) hasItems(owner, parseList(doc, i + 1), i, true);
    } else if (BELONG.has(t.lower) && next === 'to' && !isNegated(doc, i)) {
      const child = subjectBefore(i, true);
      if (!child) continue;
      for (const item of parseList(doc, i + 2)) {
        const parent = resolveRun(doc, item.first, item.last, true);
        if (!parent) continue;
        if (item.quantifier !== undefined && MANY.has(item.quantifier)) relate(child, parent, 'many-to-many', i);
        else relate(parent, child, 'one-to-many', i);
      }
    } else if (LINKED.has(t.lower) && (next === 'to' || next === 'with') && !isNegated(doc, i)) {
      const child = subjectBefore(i, false);
      if (!child) continue;
      for (const item of parseList(doc, i + 2)) {
        const parent = resolveRun(doc, item.first, item.last, false);
        if (!parent) continue;
        const many = item.quantifier !== undefined && MANY.has(item.quantifier);
        relate(many ? child : parent, many ? parent : child, many ? 'many-to-many' : 'one-to-many', i);
      }
    } else if ((t.lower === 'many' || t.lower === 'multiple' || t.lower === 'several') && next !== 'to') {
      // "teachers teach many courses": any verb between a known entity and "many <entity>".
      const verb = tokens[i - 1];
      if (!verb || HAVE.has(verb.lower) || BELONG.has(verb.lower) || verb.clause !== t.clause) continue;
      const owner = entityBefore(doc, i - 1, false);
      if (!owner || owner.weak) continue;
      for (const item of parseList(doc, i)) {
        const target = resolveRun(doc, item.first, item.last, false);
        if (target && !target.weak) relate(owner, target, 'one-to-many', i);
      }
    } else if (t.lower === 'many' && next === 'to' && tokens[i + 2]?.lower === 'many') {
      manyToManyAround(doc, i, relate);
    } else if ((t.lower === 'for' || t.lower === 'per') && (next === 'each' || next === 'every')) {
      let j = i + 2;
      while (j < tokens.length && j < i + 5 && !STORE.has(tokens[j]?.lower ?? '')) j++;
      const verb = tokens[j];
      if (!verb || !STORE.has(verb.lower) || verb.sentence !== t.sentence) continue;
      const owner = resolveRun(doc, i + 2, i + 2, false);
      if (owner) for (const item of parseList(doc, j + 1)) addField(owner, item);
    } else if (MANAGE.has(t.lower) && !isNegated(doc, i) && !isInstruction(doc, i)) {
      noteListed(doc, i + 1, note);
    } else if (!isNegated(doc, i) && enumeration(doc, i, note)) {
      // noted by the enumeration
    } else if (MANAGE.has(t.lower) && !isNegated(doc, i)) {
      for (const item of parseList(doc, i + 1)) {
        const ref = resolveRun(doc, item.first, item.last, false);
        if (ref && !ref.weak) note(ref);
        else if (!ref) {
          const head = tokens[item.last];
          if (head && item.first === item.last && /^[a-z]{4,}s$/.test(head.lower) && !head.lower.endsWith('ss')) {
            structure.dropped.push({ word: head.lower, span: spanOf(doc, item.first, item.last) });
          }
        }
      }
    }
    subjectVerbObject(doc, i, note);
    if (t.lower !== 'with' && i + 1 < tokens.length) {
      const gap = doc.text.slice(t.end, tokens[i + 1]?.start ?? t.end);
      if (/^\s*\($/.test(gap)) parenthesisFields(doc, i, addField);
      if (/^\s*:\s*$/.test(gap)) colonFields(doc, i, addField);
    }
  }
  return structure;
}
