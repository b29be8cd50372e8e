// Turns relationship findings into IR relationships: deduplicated, reverse pairs merged, keys and join tables named.

import { compareStrings, foreignKeyName, joinTableName } from '../../../core/naming.js';
import type { RelationshipKind, Span } from '../../../schemas/common.js';
import type { IRRelationship } from '../../../schemas/ir.js';
import type { WarningSink } from './finding.js';
import { round2 } from './text-match.js';

export interface RelationFinding {
  from: string;
  to: string;
  kind: RelationshipKind;
  required?: boolean;
  origin: 'explicit' | 'inferred' | 'llm';
  confidence: number;
  span?: Span;
}

function keyOf(r: RelationFinding): string {
  return r.kind === 'many-to-many' ? [r.from, r.to].sort().join('<->') : `${r.from}->${r.to}`;
}

function toIR(r: RelationFinding): IRRelationship {
  const [from, to] = r.kind === 'many-to-many' ? [r.from, r.to].sort() : [r.from, r.to];
  const base: IRRelationship = {
    from: from ?? r.from,
    to: to ?? r.to,
    kind: r.kind,
    required: r.required ?? false,
    origin: r.origin,
    confidence: round2(r.confidence),
  };
  if (r.kind === 'many-to-many') base.joinTable = joinTableName(r.from, r.to);
  else base.foreignKey = foreignKeyName(r.from);
  if (r.span) base.span = r.span;
  return base;
}

/** Explicit findings win over inferred ones for the same pair; A→B plus B→A one-to-many becomes many-to-many. */
export function buildRelationships(
  findings: RelationFinding[],
  entities: Set<string>,
  warnings: WarningSink,
): IRRelationship[] {
  const byPair = new Map<string, RelationFinding>();
  const pairOf = (r: RelationFinding) => [r.from, r.to].sort().join('|');
  for (const r of findings) {
    if (!entities.has(r.from) || !entities.has(r.to) || r.from === r.to) continue;
    const pair = pairOf(r);
    const existing = byPair.get(pair);
    if (!existing) {
      byPair.set(pair, r);
      continue;
    }
    if (existing.origin === 'explicit' && r.origin !== 'explicit') continue;
    if (r.origin === 'explicit' && existing.origin !== 'explicit') {
      byPair.set(pair, r);
      continue;
    }
    if (keyOf(existing) === keyOf(r)) {
      existing.confidence = Math.max(existing.confidence, r.confidence);
      continue;
    }
    const reversed = existing.kind === 'one-to-many' && r.kind === 'one-to-many' && existing.from === r.to;
    if (reversed || r.kind === 'many-to-many' || existing.kind === 'many-to-many') {
      byPair.set(pair, { ...existing, kind: 'many-to-many', confidence: Math.max(existing.confidence, r.confidence) });
      continue;
    }
    const keep = existing.kind === 'one-to-many' ? existing : r;
    warnings.add(
      'W_RELATIONSHIP_CONFLICT',
      `the description relates ${r.from} and ${r.to} in two ways (${existing.kind}, ${r.kind}); kept ${keep.kind}. Declare \`relations\` on the entity to decide.`,
      r.span ? { span: r.span } : {},
    );
    byPair.set(pair, keep);
  }
  return [...byPair.values()]
    .map(toIR)
    .sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to) || compareStrings(a.kind, b.kind));
}
