// One table of the migration schema from the physical model's columns, with every constraint and index named the way
// the SQLAlchemy models name them (`uq_<table>_<column>`, ...), plus the backend's own support tables.
import { createHash } from 'node:crypto';
import type { SchemaTable } from '../../../../schemas/migration-schema.js';
import { columnType, type PhysicalColumn } from '../physical-model.js';

/** PostgreSQL silently truncates longer identifiers (MySQL refuses them), which could make two names collide. */
const MAX_IDENTIFIER = 63;

/** `<prefix>_<table>_<column>`, shortened with a hash suffix when it would pass PostgreSQL's 63-byte limit. */
export function constraintName(prefix: string, table: string, column: string): string {
  const name = `${prefix}_${table}_${column}`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${digest}`;
}

/** A table from physical columns: uniques, indexes, checks and foreign keys named by `constraintName`. */
export function schemaTable(name: string, columns: PhysicalColumn[], uniques: string[][] = []): SchemaTable {
  const table: SchemaTable = {
    name,
    columns: [],
    primaryKey: { name: constraintName('pk', name, 'id'), columns: ['id'] },
    foreignKeys: [],
    uniques: [],
    indexes: [],
    checks: [],
  };
  for (const column of columns) {
    if (column.role === 'id') {
      table.columns.push({ name: column.name, type: { kind: 'integer' }, nullable: false, autoincrement: true });
      continue;
    }
    table.columns.push({ name: column.name, type: columnType(column), nullable: column.nullable });
    if (column.unique) table.uniques.push({ name: constraintName('uq', name, column.name), columns: [column.name] });
    // A unique constraint is already an index; every other foreign key gets one for joins and cascades.
    else if (column.references || column.index) {
      table.indexes.push({ name: constraintName('ix', name, column.name), columns: [column.name] });
    }
    if (column.type === 'enum' && column.values && column.values.length > 0) {
      table.checks.push({ name: constraintName('ck', name, column.name), column: column.name, values: column.values });
    }
    if (column.references) {
      table.foreignKeys.push({
        name: constraintName('fk', name, column.name),
        column: column.name,
        table: column.references.table,
        onDelete: column.references.onDelete,
      });
    }
  }
  for (const group of uniques) {
    table.uniques.push({ name: constraintName('uq', name, group.join('_')), columns: group });
  }
  return table;
}

function supportColumn(
  name: string,
  type: PhysicalColumn['type'],
  extra: Partial<PhysicalColumn> = {},
): PhysicalColumn {
  const role: PhysicalColumn['role'] = name === 'id' ? 'id' : type === 'timestamp' ? 'timestamp' : 'field';
  return { name, role, type, nullable: false, unique: name === 'id', index: false, ...extra };
}

/** What decides the backend's own tables: the FastAPI view's audit and idempotency settings. */
export interface SupportView {
  audit: boolean;
  auditFromOverlay: boolean;
  auditTable: string;
  idempotency: boolean;
  idempotencyTable: string;
}

/**
 * The backend's own tables, column for column as `templates/fastapi/app/models.py.eta` declares them; the table
 * names come from the backend's view so a clash with an entity table is renamed the same way in both.
 */
export function supportTables(view: SupportView): SchemaTable[] {
  const tables: SchemaTable[] = [];
  // An overlay entity that already is an audit log (e.g. HIPAA's AccessLog) is an entity table, not a support table.
  if (view.audit && !view.auditFromOverlay) {
    tables.push(
      schemaTable(view.auditTable, [
        supportColumn('id', 'id'),
        supportColumn('actor', 'string', { maxLength: 200 }),
        supportColumn('action', 'string', { maxLength: 32, index: true }),
        supportColumn('entity', 'string', { maxLength: 100, index: true }),
        supportColumn('entity_id', 'string', { maxLength: 64, nullable: true }),
        supportColumn('occurred_at', 'timestamp'),
      ]),
    );
  }
  if (view.idempotency) {
    tables.push(
      schemaTable(
        view.idempotencyTable,
        [
          supportColumn('id', 'id'),
          supportColumn('scope', 'string', { maxLength: 100 }),
          supportColumn('key', 'string', { maxLength: 255 }),
          supportColumn('fingerprint', 'string', { maxLength: 64 }),
          supportColumn('status_code', 'integer'),
          supportColumn('response_body', 'text'),
          supportColumn('created_at', 'timestamp'),
        ],
        [['scope', 'key']],
      ),
    );
  }
  return tables;
}
