// Lays the brief's explicit values over what the description implies: explicit wins, and the IR records which is which.

import { entityName, resourceName, snakeCase, tableName } from '../../../core/naming.js';
import type { Brief, BriefEntity } from '../../../schemas/brief.js';
import type { IR, IREntity, IRField } from '../../../schemas/ir.js';
import type { Analysis } from './analyze.js';
import type { RelationFinding } from './detect-relationships.js';
import { languageOf } from './detect-stack.js';
import { byDefault, explicit, type Finding, type WarningSink } from './finding.js';

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function explicitField(field: BriefEntity['fields'][number]): IRField {
  const ir: IRField = {
    name: snakeCase(field.name),
    type: field.type,
    required: field.required ?? true,
    unique: field.unique ?? false,
    origin: 'explicit',
    confidence: 1,
  };
  if (field.values) ir.values = [...field.values];
  if (field.min !== undefined) ir.min = field.min;
  if (field.max !== undefined) ir.max = field.max;
  if (field.pattern !== undefined) ir.pattern = field.pattern;
  if (field.classification) ir.classification = field.classification;
  return ir;
}

/** Explicit entities replace inferred ones of the same name; inferred ones the brief does not list stay. */
export function mergeEntities(
  brief: Brief,
  inferred: IREntity[],
  warnings: WarningSink,
): { entities: IREntity[]; relations: RelationFinding[] } {
  const byName = new Map(inferred.map((e) => [e.name, e]));
  const relations: RelationFinding[] = [];
  for (const entity of brief.entities ?? []) {
    const name = entityName(entity.name);
    const previous = byName.get(name);
    const fields = entity.fields.length > 0 ? entity.fields.map(explicitField) : (previous?.fields ?? []);
    const seen = new Set<string>();
    const unique = fields.filter((f) => {
      if (seen.has(f.name)) return false;
      seen.add(f.name);
      return true;
    });
    if (unique.length < fields.length) {
      warnings.add('W_FIELD_DUPLICATE', `entity ${name} lists a field twice; kept the first.`, {
        path: `entities.${name}`,
      });
    }
    byName.set(name, {
      name,
      table: tableName(name),
      resource: resourceName(name),
      ...(entity.description ? { description: entity.description } : {}),
      fields:
        unique.length > 0
          ? unique
          : [{ name: 'name', type: 'string', required: true, unique: false, origin: 'default', confidence: 0.5 }],
      origin: 'explicit',
      confidence: 1,
    });
    for (const relation of entity.relations) {
      relations.push({
        from: name,
        to: entityName(relation.to),
        kind: relation.kind,
        origin: 'explicit',
        confidence: 1,
        ...(relation.required !== undefined ? { required: relation.required } : {}),
      });
    }
  }
  for (const r of relations) {
    if (!byName.has(r.to)) {
      warnings.add(
        'W_RELATION_UNKNOWN_ENTITY',
        `entity ${r.from} relates to ${r.to}, which the brief does not define; relation dropped. Add ${r.to} under \`entities:\`.`,
        { path: `entities.${r.from}.relations` },
      );
    }
  }
  return { entities: [...byName.values()].sort((a, b) => byString(a.name, b.name)), relations };
}

function pick<T>(value: T | undefined, fallback: Finding<T>): Finding<T> {
  return value === undefined ? fallback : explicit(value);
}

export function mergeStack(brief: Brief, inferred: IR['stack']): IR['stack'] {
  const backend = pick(brief.stack?.backend, inferred.backend);
  return {
    backend,
    language: backend.origin === 'explicit' ? explicit(languageOf(backend.value)) : inferred.language,
    database: pick(brief.stack?.database, inferred.database),
    frontend: pick(brief.stack?.frontend, inferred.frontend),
    deploy: pick(brief.stack?.deploy, inferred.deploy),
  };
}

export function mergeOps(brief: Brief, analysis: Analysis): IR['ops'] {
  const rps = brief.ops?.scale?.requestsPerSecond;
  const users = brief.ops?.scale?.users;
  const scale: IR['ops']['scale'] = {};
  const requestsPerSecond = rps !== undefined ? explicit(rps) : analysis.scale.requestsPerSecond;
  const userCount = users !== undefined ? explicit(users) : analysis.scale.users;
  if (requestsPerSecond) scale.requestsPerSecond = requestsPerSecond;
  if (userCount) scale.users = userCount;
  // One replica serves roughly 500 requests per second; two keep the service up through a restart.
  const wanted = requestsPerSecond ? Math.min(1000, Math.max(2, Math.ceil(requestsPerSecond.value / 500))) : 2;
  return {
    replicas:
      brief.ops?.replicas !== undefined
        ? explicit(brief.ops.replicas)
        : byDefault(wanted, requestsPerSecond ? 0.7 : 0.5),
    resources: { cpu: brief.ops?.resources?.cpu ?? '250m', memory: brief.ops?.resources?.memory ?? '256Mi' },
    scale,
  };
}
