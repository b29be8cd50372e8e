// Facts a model read from the description, merged into the rule-based analysis as `origin: llm` findings before the
// brief's explicit YAML is applied (so the YAML still wins). Each fact must cite text that is really in the
// description: one that does not is dropped with a warning, never guessed into the IR.

import { resourceName, tableName } from '../../../core/naming.js';
import type { IREntity, IRField } from '../../../schemas/ir.js';
import type { ModelFacts } from '../../../schemas/model-facts.js';
import type { Analysis } from './analyze.js';
import type { Finding, WarningSink } from './finding.js';

type Span = NonNullable<IREntity['span']>;

/** Model confidence is capped below explicit facts and strong rule matches: it is read, not stated. */
const MAX_CONFIDENCE = 0.9;

function spanOf(description: string, cited: string): Span | undefined {
  const start = description.indexOf(cited);
  return start < 0 ? undefined : { start, end: start + cited.length, text: cited };
}

function capped(confidence: number): number {
  return Math.round(Math.min(confidence, MAX_CONFIDENCE) * 100) / 100;
}

/**
 * Adds what the model found and the rules did not. An entity both found keeps the rules' finding, made surer, with the
 * model's cited fields where the rules had only default ones.
 */
export function mergeModelFacts(
  analysis: Analysis,
  facts: ModelFacts,
  description: string,
  warnings: WarningSink,
): Analysis {
  const dropped = (what: string, cited: string) =>
    warnings.add(
      'W_MODEL_CITE',
      `the model's ${what} cites text that is not in the description (${JSON.stringify(cited.slice(0, 80))}); dropped.`,
      {},
    );
  const entities = [...analysis.entities];
  const known = new Set(entities.map((e) => e.name));
  for (const fact of facts.entities) {
    const span = spanOf(description, fact.span);
    if (!span) {
      dropped(`entity ${fact.name}`, fact.span);
      continue;
    }
    const fields: IRField[] = [];
    for (const f of fact.fields) {
      const fieldSpan = spanOf(description, f.span);
      if (!fieldSpan) {
        dropped(`field ${fact.name}.${f.name}`, f.span);
        continue;
      }
      if (fields.some((x) => x.name === f.name)) continue;
      // An enum the model names no values for cannot be built: left out rather than guessed.
      if (f.type === 'enum' && (f.values ?? []).length === 0) continue;
      fields.push({
        name: f.name,
        type: f.type,
        required: f.required,
        unique: false,
        ...(f.type === 'enum' ? { values: [...new Set(f.values)] } : {}),
        origin: 'llm',
        confidence: capped(fact.confidence),
        span: fieldSpan,
      });
    }
    const ruled = entities.findIndex((e) => e.name === fact.name);
    const found = entities[ruled];
    if (found) {
      // Both read it: the finding is surer, and the model's cited fields replace fields the rules only defaulted.
      const defaulted = found.fields.every((f) => f.origin === 'default');
      entities[ruled] = {
        ...found,
        confidence: Math.max(found.confidence, capped(fact.confidence)),
        fields: defaulted && fields.length > 0 ? fields : found.fields,
      };
      continue;
    }
    if (fields.length === 0) {
      fields.push({ name: 'name', type: 'string', required: true, unique: false, origin: 'default', confidence: 0.5 });
    }
    entities.push({
      name: fact.name,
      table: tableName(fact.name),
      resource: resourceName(fact.name),
      fields,
      origin: 'llm',
      confidence: capped(fact.confidence),
      span,
    });
    known.add(fact.name);
  }
  entities.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const relations = [...analysis.relations];
  for (const fact of facts.relationships) {
    const span = spanOf(description, fact.span);
    if (!span) {
      dropped(`relationship ${fact.from} → ${fact.to}`, fact.span);
      continue;
    }
    if (!known.has(fact.from) || !known.has(fact.to)) continue;
    if (relations.some((r) => r.from === fact.from && r.to === fact.to)) continue;
    relations.push({
      from: fact.from,
      to: fact.to,
      kind: fact.kind,
      origin: 'llm',
      confidence: capped(fact.confidence),
      span,
    });
  }

  const compliance: Finding<(typeof analysis.compliance)[number]['value']>[] = [...analysis.compliance];
  for (const fact of facts.compliance) {
    const span = spanOf(description, fact.span);
    if (!span) {
      dropped(`compliance ${fact.value}`, fact.span);
      continue;
    }
    if (compliance.some((c) => c.value === fact.value)) continue;
    compliance.push({ value: fact.value, origin: 'llm', confidence: capped(fact.confidence), span });
  }

  const scale = { ...analysis.scale };
  if (facts.scale) {
    const span = spanOf(description, facts.scale.span);
    if (!span) dropped('scale', facts.scale.span);
    else {
      const confidence = capped(facts.scale.confidence);
      if (!scale.requestsPerSecond && facts.scale.requestsPerSecond !== undefined)
        scale.requestsPerSecond = { value: facts.scale.requestsPerSecond, origin: 'llm', confidence, span };
      if (!scale.users && facts.scale.users !== undefined)
        scale.users = { value: facts.scale.users, origin: 'llm', confidence, span };
    }
  }
  return { ...analysis, entities, relations, compliance, scale };
}
