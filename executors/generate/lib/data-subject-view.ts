// GDPR data subjects: which entity a subject is, and which records refer to it (by foreign key or `subject_id`).
import type { ViewEntity } from './fastapi-view.js';
import type { Route } from './routes.js';

export interface DataSubjectView {
  entity: ViewEntity;
  /** Entities holding a foreign key to the subject (directly or through another dependent), deepest last. */
  dependents: { entity: ViewEntity; column: string; via: string }[];
  /** Entities naming the subject in a plain `subject_id` field (GDPR ConsentRecord), matched by the subject's id. */
  linked: { entity: ViewEntity; field: string; type: 'string' | 'integer' }[];
  exportRoute?: Route;
  eraseRoute?: Route;
}

const SUBJECT_NAMES = ['Customer', 'Patient', 'Contact', 'User', 'Person', 'Member', 'Client', 'Account', 'Employee'];

/** What subject detection reads of an entity: the IR's entities and the view's both have it. */
interface SubjectCandidate {
  name: string;
  fields: readonly { type: string; classification?: string }[];
}

/**
 * The entity a data subject is: a preferred name, else the first holding an email or PII/PHI; undefined when no entity
 * holds personal data (the data-subject endpoints then answer 501 until one does).
 */
export function subjectEntity<E extends SubjectCandidate>(entities: readonly E[]): E | undefined {
  const personal = (entity: E) =>
    entity.fields.some(
      (field) => field.type === 'email' || field.classification === 'pii' || field.classification === 'phi',
    );
  for (const name of SUBJECT_NAMES) {
    const found = entities.find((entity) => entity.name === name);
    if (found) return found;
  }
  return entities.find(personal);
}

export function dataSubject(entities: ViewEntity[], routes: Route[]): DataSubjectView | undefined {
  const exportRoute = routes.find((route) => route.kind === 'subject-export');
  const eraseRoute = routes.find((route) => route.kind === 'subject-erase');
  if (!exportRoute && !eraseRoute) return undefined;
  const subject = subjectEntity(entities);
  if (!subject) return undefined;
  // Breadth-first over foreign keys: children of the subject, then their children; each entity once.
  const dependents: DataSubjectView['dependents'] = [];
  const seen = new Set([subject.name]);
  let frontier = [subject.name];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const entity of entities) {
      if (seen.has(entity.name)) continue;
      const fk = entity.foreignKeys.find((key) => frontier.includes(key.parent));
      if (!fk) continue;
      dependents.push({ entity, column: fk.column, via: fk.parent });
      seen.add(entity.name);
      next.push(entity.name);
    }
    frontier = next;
  }
  const linked: DataSubjectView['linked'] = [];
  for (const entity of entities) {
    if (seen.has(entity.name)) continue;
    const field = entity.fields.find((f) => f.name === 'subject_id' && (f.type === 'string' || f.type === 'integer'));
    if (field) linked.push({ entity, field: field.attr, type: field.type === 'integer' ? 'integer' : 'string' });
  }
  return { entity: subject, dependents, linked, exportRoute, eraseRoute };
}
