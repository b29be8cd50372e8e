// Finds the entities a description talks about (known nouns, synonyms, plurals, typos) and the fields it names for them.

import { entityName, own, resourceName, singularize, tableName } from '../../../core/naming.js';
import type { Span } from '../../../schemas/common.js';
import type { IREntity, IRField } from '../../../schemas/ir.js';
import { defaultFieldsFor } from './default-fields.js';
import type { Structure } from './detect-structure.js';
import { ENTITY_TERMS } from './entity-vocabulary.js';
import { fieldTypeOf } from './field-types.js';
import type { WarningSink } from './finding.js';
import { type Doc, findPhrases, round2 } from './text-match.js';

/** Words before a singular noun that make it a verb ("customers can order", "to visit"). */
const VERB_CUES = new Set([
  'can',
  'will',
  'to',
  'we',
  'they',
  'you',
  'i',
  'should',
  'must',
  'may',
  "don't",
  'cannot',
  'pre',
  're',
]);
/** Words after a noun that make it part of an idiom ("in order to", "leads to", "deal with"). */
const IDIOM_AFTER: Record<string, Set<string>> = {
  order: new Set(['to', 'of']),
  lead: new Set(['to']),
  deal: new Set(['with']),
  visit: new Set(['the', 'our', 'a']),
  post: new Set(['to', 'on']),
  contact: new Set(['us', 'me', 'them', 'support']),
  customer: new Set(['relationship', 'support', 'service', 'success', 'experience', 'satisfaction']),
};
const DETERMINER_CUES = new Set([
  'a',
  'an',
  'the',
  'each',
  'every',
  'per',
  'one',
  'this',
  'that',
  'their',
  'our',
  'its',
]);
/** Function words ending in "s" that are not plural nouns. */
const NOT_PLURAL = new Set([
  'is',
  'has',
  'was',
  'its',
  'his',
  'this',
  'us',
  'does',
  'always',
  'as',
  'plus',
  'thus',
  'ss',
]);

/** Words a README uses for itself. */
const SELF_REFERENCE = new Set(['project']);

interface Mention {
  span: Span;
  count: number;
  fuzzy: boolean;
}

/** Strong vocabulary nouns mentioned anywhere (not negated, not used as verbs or idioms). */
export function entityMentions(doc: Doc): Map<string, Mention> {
  return mentionsOf(doc).found;
}

/** Head words of multi-word entity names that appear in the text, so "records" alone can refer to MedicalRecord. */
export function compoundAliases(doc: Doc): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const [name, mention] of mentionsOf(doc).found) {
    const words = mention.span.text
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w.length > 0);
    const head = words[words.length - 1];
    if (words.length > 1 && head) aliases.set(singularize(head), name);
  }
  return aliases;
}

let entityPhrases: { owner: Map<string, { name: string; weak: boolean }>; phrases: string[] } | undefined;

/** Each entity phrase with the entity it names; one list, so `findPhrases` indexes it once per process. */
function entityPhraseOwners() {
  if (entityPhrases) return entityPhrases;
  const owner = new Map<string, { name: string; weak: boolean }>();
  for (const [name, { phrases, weak }] of Object.entries(ENTITY_TERMS)) {
    for (const phrase of phrases) owner.set(phrase, { name, weak: weak ?? false });
  }
  entityPhrases = { owner, phrases: [...owner.keys()] };
  return entityPhrases;
}

function mentionsOf(doc: Doc): { found: Map<string, Mention> } {
  const { owner: phraseOwner, phrases } = entityPhraseOwners();
  const matches = [...findPhrases(doc, phrases).entries()].flatMap(([phrase, list]) =>
    list.map((m) => ({ ...m, owner: phraseOwner.get(phrase) })),
  );
  // Longest match wins a token: "order item" is a LineItem, not an Order.
  matches.sort((a, b) => b.last - b.first - (a.last - a.first) || a.first - b.first);
  const taken = new Set<number>();
  const compoundHeads = new Set(matches.map((m) => m.first));
  const found = new Map<string, Mention>();
  for (const m of matches) {
    if (!m.owner) continue;
    if (Array.from({ length: m.last - m.first + 1 }, (_, k) => m.first + k).some((k) => taken.has(k))) continue;
    for (let k = m.first; k <= m.last; k++) taken.add(k);
    if (m.owner.weak || m.negated) continue;
    const head = doc.tokens[m.last];
    const before = doc.tokens[m.first - 1];
    const after = doc.tokens[m.last + 1];
    if (!head) continue;
    // "This project provides …": a README speaking of itself, not of projects the service keeps.
    if (before?.lower === 'this' && SELF_REFERENCE.has(head.canon)) continue;
    const plural = singularize(head.lower) !== head.lower;
    const sameClause = (t: typeof before) => t !== undefined && t.clause === head.clause;
    if (!plural && sameClause(before) && before) {
      // "customers can order", "patients book appointments": a singular noun after a subject is a verb.
      if (VERB_CUES.has(before.lower)) continue;
      if (singularize(before.lower) !== before.lower && !NOT_PLURAL.has(before.lower) && !before.numeric) continue;
    }
    // "2000 transactions per second" is load, not a model.
    if (before?.numeric && sameClause(before)) continue;
    const idiom = after && sameClause(after) && own(IDIOM_AFTER, head.canon)?.has(after.lower);
    if (idiom && !(before && DETERMINER_CUES.has(before.lower))) continue;
    // "video visits": a singular noun directly before another entity noun is its modifier.
    if (!plural && after && sameClause(after) && compoundHeads.has(m.last + 1)) continue;
    const existing = found.get(m.owner.name);
    if (existing) {
      existing.count++;
      existing.fuzzy &&= m.fuzzy;
    } else found.set(m.owner.name, { span: m.span, count: 1, fuzzy: m.fuzzy });
  }
  return { found };
}

function field(name: string, origin: 'inferred' | 'default', confidence: number, span?: Span): IRField {
  const base: IRField = { name, type: fieldTypeOf(name), required: true, unique: false, origin, confidence };
  return span ? { ...base, span } : base;
}

/** Merges vocabulary mentions with structural findings into IR entities with fields, sorted by name. */
export function detectEntities(doc: Doc, structure: Structure, warnings: WarningSink): IREntity[] {
  const mentions = entityMentions(doc);
  const names = new Set([...mentions.keys(), ...structure.entities.keys()]);
  const entities: IREntity[] = [];
  for (const name of [...names].sort()) {
    const mention = mentions.get(name);
    const structural = structure.entities.get(name);
    let confidence = structural?.confidence ?? 0;
    if (mention)
      confidence = Math.max(confidence, (mention.fuzzy ? 0.65 : 0.75) + Math.min(0.15, 0.05 * (mention.count - 1)));
    const span = mention?.span ?? structural?.span;
    const named = structure.fields.get(name) ?? [];
    const fields =
      named.length > 0
        ? named.map((f) => field(f.name, 'inferred', 0.7, f.span))
        : defaultFieldsFor(name).map(([fieldName]) => field(fieldName, 'default', 0.5));
    if (mention?.fuzzy) {
      warnings.add('W_TYPO_CORRECTED', `read "${mention.span.text}" as ${name}; fix the spelling if that is wrong.`, {
        span: mention.span,
      });
    }
    entities.push({
      name,
      table: tableName(name),
      resource: resourceName(name),
      fields,
      origin: 'inferred',
      confidence: round2(confidence),
      ...(span ? { span } : {}),
    });
  }
  for (const dropped of structure.dropped) {
    if (names.has(entityName(dropped.word))) continue;
    warnings.add(
      'W_ENTITY_DROPPED',
      `"${dropped.word}" looks like something the service manages but is not a known entity; add it under \`entities:\` if it is one.`,
      { span: dropped.span },
    );
  }
  return entities;
}
