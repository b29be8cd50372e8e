// The physical data model: the columns and tables every generator derives from the IR. SQLAlchemy models, SQL
// migrations, schemas and overlay checks all read this one function, so they cannot disagree.
import { type FieldType, type SqlDatabase, sqlDatabaseName } from '../../../schemas/common.js';
import type { IR, IREntity, IRField } from '../../../schemas/ir.js';
import type { ColumnType } from '../../../schemas/migration-schema.js';

/** The databases generated services run on; `stack.database` names one of them (compile refuses any other). */
export const SQL_DATABASES = sqlDatabaseName.options;
export type { SqlDatabase };

/** The brief's database as a SQL database; compile has refused every other value before generation runs. */
export function sqlDatabase(ir: IR): SqlDatabase {
  const value = ir.stack.database.value;
  if (!(SQL_DATABASES as readonly string[]).includes(value)) {
    throw new Error(
      `${ir.name}: stack.database ${value} is not a SQL database qlf generates (compile should have refused it)`,
    );
  }
  return value as SqlDatabase;
}

export type ColumnRole = 'id' | 'field' | 'encrypted' | 'last4' | 'hash' | 'foreign-key' | 'timestamp';

export interface PhysicalColumn {
  name: string;
  role: ColumnRole;
  /** Logical type: the IR field type, or `id`/`foreign-key`/`timestamp`, or `ciphertext`/`last4`/`hash`. */
  type: FieldType | 'id' | 'foreign-key' | 'timestamp' | 'ciphertext' | 'last4' | 'hash';
  nullable: boolean;
  unique: boolean;
  index: boolean;
  /** The IR field this column stores (absent for id, timestamps and foreign keys). */
  field?: IRField;
  maxLength?: number;
  values?: string[];
  references?: { table: string; entity: string; onDelete: 'CASCADE' | 'SET NULL' };
}

export interface PhysicalTable {
  entity: IREntity;
  name: string;
  columns: PhysicalColumn[];
}

export interface JoinTable {
  name: string;
  left: { table: string; entity: string; column: string };
  right: { table: string; entity: string; column: string };
}

export interface PhysicalModel {
  tables: PhysicalTable[];
  joinTables: JoinTable[];
}

/** `LineItem` → `line_item`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

/** Whether a field is stored only as ciphertext (`<name>_encrypted`): overlays asked for encryption or tokenising. */
export function isEncrypted(field: IRField): boolean {
  return Boolean(field.handling?.encryptAtRest || field.handling?.tokenize);
}

/** Whether responses show only the last four characters (`<name>_last4`). */
export function isMaskedLast4(field: IRField): boolean {
  return field.handling?.responses === 'mask-last4';
}

const DEFAULT_LENGTH: Partial<Record<FieldType, number>> = { string: 255, email: 320, url: 2048, uuid: 36, enum: 64 };

function fieldColumns(field: IRField): PhysicalColumn[] {
  if (!isEncrypted(field)) {
    return [
      {
        name: field.name,
        role: 'field',
        type: field.type,
        nullable: !field.required,
        unique: field.unique,
        index: field.unique,
        field,
        maxLength: field.type === 'string' && field.max !== undefined ? field.max : DEFAULT_LENGTH[field.type],
        values: field.values,
      },
    ];
  }
  const columns: PhysicalColumn[] = [
    {
      name: `${field.name}_encrypted`,
      role: 'encrypted',
      type: 'ciphertext',
      nullable: !field.required,
      unique: false,
      index: false,
      field,
    },
  ];
  // Ciphertext is randomised, so uniqueness and look-ups go through a keyed hash of the clear value.
  if (field.unique) {
    columns.push({
      name: `${field.name}_hash`,
      role: 'hash',
      type: 'hash',
      nullable: !field.required,
      unique: true,
      index: true,
      field,
      maxLength: 64,
    });
  }
  if (isMaskedLast4(field)) {
    columns.push({
      name: `${field.name}_last4`,
      role: 'last4',
      type: 'last4',
      nullable: !field.required,
      unique: false,
      index: false,
      field,
      maxLength: 4,
    });
  }
  return columns;
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function physicalModel(ir: IR): PhysicalModel {
  const entities = new Map(ir.entities.map((entity) => [entity.name, entity]));
  const foreignKeys = new Map<string, PhysicalColumn[]>();
  const joinTables: JoinTable[] = [];
  for (const rel of ir.relationships) {
    const from = entities.get(rel.from);
    const to = entities.get(rel.to);
    if (!from || !to) continue;
    if (rel.kind === 'many-to-many') {
      const left = `${snakeCase(from.name)}_id`;
      const right = from.name === to.name ? `related_${snakeCase(to.name)}_id` : `${snakeCase(to.name)}_id`;
      joinTables.push({
        name: rel.joinTable ?? `${from.table}_${to.table}`,
        left: { table: from.table, entity: from.name, column: left },
        right: { table: to.table, entity: to.name, column: right },
      });
      continue;
    }
    const column: PhysicalColumn = {
      name: rel.foreignKey ?? `${snakeCase(from.name)}_id`,
      role: 'foreign-key',
      type: 'foreign-key',
      nullable: !rel.required,
      unique: rel.kind === 'one-to-one',
      index: true,
      references: { table: from.table, entity: from.name, onDelete: rel.required ? 'CASCADE' : 'SET NULL' },
    };
    const list = foreignKeys.get(to.name) ?? [];
    if (!list.some((existing) => existing.name === column.name)) list.push(column);
    foreignKeys.set(to.name, list);
  }
  const tables = ir.entities.map((entity) => ({
    entity,
    name: entity.table,
    columns: [
      { name: 'id', role: 'id', type: 'id', nullable: false, unique: true, index: false } satisfies PhysicalColumn,
      ...entity.fields.flatMap(fieldColumns),
      ...(foreignKeys.get(entity.name) ?? []).sort(byName),
      {
        name: 'created_at',
        role: 'timestamp',
        type: 'timestamp',
        nullable: false,
        unique: false,
        index: false,
      } satisfies PhysicalColumn,
      {
        name: 'updated_at',
        role: 'timestamp',
        type: 'timestamp',
        nullable: false,
        unique: false,
        index: false,
      } satisfies PhysicalColumn,
    ],
  }));
  return { tables, joinTables: joinTables.sort(byName) };
}

/** Money columns: 18 digits, 2 after the point, in the models, the migrations and the API's decimal pattern. */
export const DECIMAL_PRECISION = { digits: 18, places: 2 } as const;

/**
 * What an INTEGER column holds on every supported database (32 bits on PostgreSQL and MySQL): ids, foreign keys and
 * integer fields are bounded to it in the request schemas, so a larger value is a documented 422, never a 500.
 */
export const INTEGER_RANGE = { min: -2147483648, max: 2147483647 } as const;

/**
 * The longest `text` value a request may carry unless the field sets `max`: what a MySQL TEXT column holds in utf8mb4
 * (65,535 bytes at up to 4 bytes a character), so a text field accepts the same on every database.
 */
export const TEXT_MAX_CHARS = 16_383;

/** How a column is stored: the one mapping the models and the migrations both spell out. */
export function columnType(column: PhysicalColumn): ColumnType {
  switch (column.type) {
    case 'string':
    case 'email':
    case 'url':
    case 'uuid':
    case 'enum':
    case 'hash':
    case 'last4':
      return { kind: 'string', length: column.maxLength ?? 255 };
    case 'text':
    case 'ciphertext':
      return { kind: 'text' };
    case 'decimal':
      // Money is exact: never a binary float.
      return { kind: 'numeric', precision: DECIMAL_PRECISION.digits, scale: DECIMAL_PRECISION.places };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'datetime':
    case 'timestamp':
      return { kind: 'datetime' };
    case 'json':
      return { kind: 'json' };
    default:
      return { kind: 'integer' }; // integer fields, ids and foreign keys
  }
}
