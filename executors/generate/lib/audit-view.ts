// The audit trail's columns: the overlay's audit entity (AuditEvent, AccessLog) when the service can fill it, else a
// built-in table; either way the view says which column holds actor, action, entity, record id and time.
import type { IR, IREntity, IRField } from '../../../schemas/ir.js';
import { modelAttr } from './python-types.js';
import { AUDIT_ENTITY_NAMES } from './routes.js';

/** Audit row columns by meaning: the column holding each fact, and every column's Python value expression. */
export interface AuditColumns {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  at: string;
  /** Attribute → expression, in model order. */
  values: { attr: string; expr: string }[];
}

export const BUILT_IN_AUDIT: AuditColumns = {
  actor: 'actor',
  action: 'action',
  entity: 'entity',
  entityId: 'entity_id',
  at: 'occurred_at',
  values: [
    { attr: 'actor', expr: 'actor[:200]' },
    { attr: 'action', expr: 'action' },
    { attr: 'entity', expr: 'entity' },
    { attr: 'entity_id', expr: 'None if entity_id is None else str(entity_id)' },
  ],
};

const AUDIT_ROLES: Record<string, string[]> = {
  actor: ['actor', 'user', 'user_id', 'principal'],
  action: ['action', 'event', 'operation'],
  entity: ['resource', 'entity', 'entity_type', 'resource_type'],
  entityId: ['resource_id', 'entity_id', 'record_id'],
  at: ['occurred_at', 'accessed_at', 'timestamp', 'at', 'logged_at'],
};

/**
 * The overlay's audit entity (AuditEvent from PCI/fintech, AccessLog from HIPAA) when every required field of it can be
 * filled from what the service knows; otherwise undefined and the built-in table is used.
 */
export function overlayAudit(ir: IR): { entity: IREntity; columns: AuditColumns } | undefined {
  const entity = ir.entities.find((e) => AUDIT_ENTITY_NAMES.includes(e.name));
  if (!entity) return undefined;
  const find = (names: string[]) => entity.fields.find((field) => names.includes(field.name));
  const roles = Object.fromEntries(Object.entries(AUDIT_ROLES).map(([role, names]) => [role, find(names)]));
  if (Object.values(roles).some((field) => field === undefined)) return undefined;
  const values: AuditColumns['values'] = [];
  for (const field of entity.fields) {
    const attr = modelAttr(field.name);
    let expr: string | undefined;
    if (field === roles.actor) expr = 'actor[:200]';
    else if (field === roles.action) {
      // An enum of actions (HIPAA AccessLog) has no `list`/`erase`: they are recorded as the nearest allowed action.
      const allowed = field.type === 'enum' ? (field.values ?? []) : undefined;
      expr = allowed ? `_allowed_action(action, ${JSON.stringify(allowed)})` : 'action';
    } else if (field === roles.entity) expr = 'entity';
    else if (field === roles.entityId) {
      // List reads concern no single record; a required column gets `*` for "all of them".
      expr = `${field.required ? '"*"' : 'None'} if entity_id is None else str(entity_id)`;
    } else if (field === roles.at) expr = 'utcnow()';
    else if (/^(source_)?ip(_address)?$|^client_ip$/.test(field.name)) expr = 'source_ip or "unknown"';
    else if (field.name === 'outcome' && field.type === 'enum') expr = JSON.stringify(field.values?.[0] ?? 'success');
    else if (!field.required) expr = 'None';
    if (expr === undefined) return undefined;
    values.push({ attr, expr });
  }
  const name = (field: IRField | undefined) => modelAttr(field?.name ?? '');
  return {
    entity,
    columns: {
      actor: name(roles.actor),
      action: name(roles.action),
      entity: name(roles.entity),
      entityId: name(roles.entityId),
      at: name(roles.at),
      values,
    },
  };
}
