// Python spellings of IR types for the FastAPI templates: Pydantic annotations and constraints, SQLAlchemy columns.
import type { FieldType } from '../../../schemas/common.js';
import type { IRField } from '../../../schemas/ir.js';
import type { ColumnType, SchemaTable } from '../../../schemas/migration-schema.js';
import { columnType, DECIMAL_PRECISION, INTEGER_RANGE, type PhysicalColumn, TEXT_MAX_CHARS } from './physical-model.js';

export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';
export const URL_PATTERN = '^https?://[^\\s]+$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const PY_TYPES: Record<FieldType, string> = {
  string: 'str',
  text: 'str',
  integer: 'int',
  decimal: 'Decimal',
  boolean: 'bool',
  date: 'dt.date',
  datetime: 'dt.datetime',
  uuid: 'str',
  email: 'str',
  url: 'str',
  json: 'Any',
  enum: 'str',
};

export function pyString(value: string): string {
  return JSON.stringify(value);
}

function pyRaw(pattern: string): string {
  // A JSON string literal is a valid Python literal too (same escapes for the characters patterns use).
  return JSON.stringify(pattern);
}

export function pyType(field: IRField): string {
  if (field.type === 'enum' && field.values && field.values.length > 0) {
    return `Literal[${field.values.map(pyString).join(', ')}]`;
  }
  if (field.type === 'decimal') {
    // Bounds go inside condecimal: Pydantic 1 refuses ge/le on Field() for constrained decimals.
    const bounds = [
      ...(field.min !== undefined ? [`ge=${field.min}`] : []),
      ...(field.max !== undefined ? [`le=${field.max}`] : []),
    ];
    return `condecimal(${[`max_digits=${DECIMAL_PRECISION.digits}`, `decimal_places=${DECIMAL_PRECISION.places}`, ...bounds].join(', ')})`;
  }
  return PY_TYPES[field.type];
}

export function fieldArgs(field: IRField): string[] {
  const args: string[] = [];
  const textual = ['string', 'text', 'email', 'url', 'uuid'].includes(field.type);
  if (textual) {
    const max =
      field.max ??
      (field.type === 'string'
        ? 255
        : field.type === 'email'
          ? 320
          : field.type === 'url'
            ? 2048
            : field.type === 'text'
              ? TEXT_MAX_CHARS
              : undefined);
    if (field.min !== undefined) args.push(`min_length=${field.min}`);
    if (max !== undefined && field.type !== 'uuid') args.push(`max_length=${max}`);
    const pattern =
      field.pattern ??
      (field.type === 'email'
        ? EMAIL_PATTERN
        : field.type === 'url'
          ? URL_PATTERN
          : field.type === 'uuid'
            ? UUID_PATTERN
            : undefined);
    if (pattern) args.push(`**pattern(${pyRaw(pattern)})`);
  } else if (field.type === 'integer') {
    const { min, max } = integerBounds(field);
    args.push(`ge=${min}`, `le=${max}`);
  }
  return args;
}

/** An integer field's accepted range: its own bounds, within what the column can hold. */
export function integerBounds(field: Pick<IRField, 'min' | 'max'>): { min: number; max: number } {
  return {
    min: Math.max(field.min ?? INTEGER_RANGE.min, INTEGER_RANGE.min),
    max: Math.min(field.max ?? INTEGER_RANGE.max, INTEGER_RANGE.max),
  };
}

/** Names declarative SQLAlchemy models cannot use as attributes. */
const RESERVED_ATTRS = new Set(['metadata', 'registry', '__table__', '__tablename__', '__mapper__']);

/** Model attribute for a column name (`metadata` → `metadata_`, the column keeps its name). */
export function modelAttr(name: string): string {
  return RESERVED_ATTRS.has(name) ? `${name}_` : name;
}

/**
 * The SQLAlchemy type of a stored column. `names` spell the two types the models wrap: timestamps (the models'
 * `UTCDateTime()`, a revision's own `UTC_DATETIME`) and decimals (the models' `ExactDecimal`, a revision's
 * `sa.Numeric`: a revision imports nothing from `app/`).
 */
export function saType(
  type: ColumnType,
  names: { datetime: string; numeric: string } = { datetime: 'UTCDateTime()', numeric: 'ExactDecimal' },
): string {
  switch (type.kind) {
    case 'string':
      return `sa.String(${type.length})`;
    case 'text':
      return 'sa.Text()';
    case 'integer':
      return 'sa.Integer()';
    case 'numeric':
      return `${names.numeric}(${type.precision}, ${type.scale})`;
    case 'boolean':
      return 'sa.Boolean()';
    case 'date':
      return 'sa.Date()';
    case 'datetime':
      return names.datetime;
    case 'json':
      return 'sa.JSON()';
  }
}

/** The model line of a column; `fkName` names its foreign key as the migrations do. */
export function columnLine(column: PhysicalColumn, fkName?: string): string {
  if (column.role === 'id') return 'id = sa.Column(sa.Integer(), primary_key=True, autoincrement=True)';
  const args = [saType(columnType(column))];
  if (column.references) {
    const name = fkName ? `, name=${pyString(fkName)}` : '';
    args.push(
      `sa.ForeignKey(${pyString(`${column.references.table}.id`)}, ondelete=${pyString(column.references.onDelete)}${name})`,
    );
  }
  args.push(`nullable=${column.nullable ? 'True' : 'False'}`);
  if (column.role === 'timestamp') {
    args.push('default=utcnow');
    if (column.name === 'updated_at') args.push('onupdate=utcnow');
  }
  const attr = modelAttr(column.name);
  if (attr !== column.name) args.unshift(pyString(column.name));
  return `${attr} = sa.Column(${args.join(', ')})`;
}

/**
 * `__table_args__` entries: unique constraints, indexes and enum checks, named exactly as the Alembic revisions name
 * them, so `alembic revision --autogenerate` finds nothing to change after `alembic upgrade head`.
 */
export function tableArgs(table: SchemaTable): string[] {
  return [
    ...table.uniques.map(
      (unique) => `sa.UniqueConstraint(${unique.columns.map(pyString).join(', ')}, name=${pyString(unique.name)})`,
    ),
    ...table.indexes.map((index) => `sa.Index(${pyString(index.name)}, ${index.columns.map(pyString).join(', ')})`),
    ...table.checks.map(
      (check) =>
        `sa.CheckConstraint(sa.column(${pyString(check.column)}).in_([${check.values.map(pyString).join(', ')}]), name=${pyString(check.name)})`,
    ),
  ];
}

/** `__table_args__ = (...)` as model body lines (indented relative to the class body), or none. */
export function tableArgsLines(table: SchemaTable): string[] {
  const args = tableArgs(table);
  if (args.length === 0) return [];
  return ['__table_args__ = (', ...args.map((arg) => `    ${arg},`), ')'];
}
