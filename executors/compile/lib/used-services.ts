// Entities that belong to another service the brief `uses`: inferred mentions of them are references, not tables.

import { resourceName, singularize } from '../../../core/naming.js';
import type { IREntity, IRRelationship } from '../../../schemas/ir.js';
import type { WarningSink } from './finding.js';

/** Drops inferred entities named like a used service (`uses: [payments]` → no inferred `Payment` table). */
export function dropEntitiesOfUsedServices(
  entities: IREntity[],
  relationships: IRRelationship[],
  uses: string[],
  warnings: WarningSink,
): { entities: IREntity[]; relationships: IRRelationship[] } {
  const used = new Set(uses.flatMap((u) => [u, singularize(u)]));
  const dropped = new Set(
    entities
      .filter(
        (e) => e.origin === 'inferred' && (used.has(e.resource) || used.has(resourceName(e.name).replace(/s$/, ''))),
      )
      .map((e) => e.name),
  );
  for (const name of [...dropped].sort()) {
    warnings.add(
      'W_ENTITY_OWNED_ELSEWHERE',
      `${name} is mentioned, but the brief uses the ${[...used].find((u) => resourceName(name).startsWith(u)) ?? 'other'} service for it; not modelled here. List it under \`entities:\` to keep a local copy.`,
      { path: 'entities' },
    );
  }
  return {
    entities: entities.filter((e) => !dropped.has(e.name)),
    relationships: relationships.filter((r) => !dropped.has(r.from) && !dropped.has(r.to)),
  };
}
