// Entities and relationships as the model should picture them: each record a dict with the keys and plain Python
// types the generated service stores (id, fields, foreign keys, timestamps), and each relationship in one sentence.
import type { FieldType } from '../../schemas/common.js';
import type { IR, IREntity, IRField, IRRelationship } from '../../schemas/ir.js';

export interface FieldView {
  name: string;
  /** `id` and timestamps are set by the service; `foreign-key` holds the id of a related record. */
  kind: 'id' | 'field' | 'foreign-key' | 'timestamp';
  /** The IR type, or the kind for columns the IR does not list. */
  type: FieldType | 'id' | 'foreign-key' | 'timestamp';
  /** The plain Python type of the dict value: `Decimal`, `str | None`, `datetime.date`. */
  pyType: string;
  required: boolean;
  /** Short constraints and facts: `unique`, `>= 0`, `one of "a", "b"`, `classified pan`. */
  notes: string[];
}

export interface EntityView {
  name: string;
  table: string;
  /** The collection's URL path: `/api/payments`. */
  path: string;
  description?: string;
  fields: FieldView[];
}

export interface RelationshipView {
  from: string;
  to: string;
  kind: IRRelationship['kind'];
  foreignKey?: string;
  joinTable?: string;
  required: boolean;
  /** One line: `Customer one-to-many Payment: payments.customer_id holds the Customer's id`. */
  summary: string;
}

/**
 * Plain Python types of the values as dicts carry them. Not the generated models' annotations (`condecimal(...)`,
 * `Literal[...]`): extension code sees values, not schemas.
 */
const PLAIN_PY_TYPES: Record<FieldType, string> = {
  string: 'str',
  text: 'str',
  integer: 'int',
  decimal: 'Decimal',
  boolean: 'bool',
  date: 'datetime.date',
  datetime: 'datetime.datetime',
  uuid: 'str',
  email: 'str',
  url: 'str',
  json: 'Any',
  enum: 'str',
};

const TYPE_NOTES: Partial<Record<FieldType, string>> = {
  email: 'an email address',
  url: 'an http(s) URL',
  uuid: 'a UUID string',
  json: 'parsed JSON',
  text: 'long text',
};

const optional = (pyType: string, required: boolean) => (required ? pyType : `${pyType} | None`);

function fieldNotes(field: IRField): string[] {
  const notes: string[] = [];
  const typeNote = TYPE_NOTES[field.type];
  if (typeNote) notes.push(typeNote);
  if (field.unique) notes.push('unique');
  if (field.values && field.values.length > 0)
    notes.push(`one of ${field.values.map((v) => JSON.stringify(v)).join(', ')}`);
  const numeric = field.type === 'integer' || field.type === 'decimal';
  if (field.min !== undefined) notes.push(numeric ? `>= ${field.min}` : `at least ${field.min} characters`);
  if (field.max !== undefined) notes.push(numeric ? `<= ${field.max}` : `at most ${field.max} characters`);
  if (field.pattern) notes.push(`matches ${field.pattern}`);
  if (field.classification) notes.push(`classified ${field.classification}`);
  return notes;
}

function irFieldView(field: IRField): FieldView {
  return {
    name: field.name,
    kind: 'field',
    type: field.type,
    pyType: optional(PLAIN_PY_TYPES[field.type], field.required),
    required: field.required,
    notes: fieldNotes(field),
  };
}

/** `LineItem` → `line_item`, as the generated service names foreign keys. */
function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

const foreignKeyOf = (rel: IRRelationship) => rel.foreignKey ?? `${snakeCase(rel.from)}_id`;

function keyFields(entity: IREntity, ir: IR): FieldView[] {
  const seen = new Set<string>();
  const keys: FieldView[] = [];
  for (const rel of ir.relationships) {
    if (rel.kind === 'many-to-many' || rel.to !== entity.name) continue;
    const name = foreignKeyOf(rel);
    if (seen.has(name)) continue;
    seen.add(name);
    const notes = [`id of a ${rel.from}`, ...(rel.kind === 'one-to-one' ? ['unique'] : [])];
    keys.push({
      name,
      kind: 'foreign-key',
      type: 'foreign-key',
      pyType: optional('int', rel.required),
      required: rel.required,
      notes,
    });
  }
  return keys.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const timestamp = (name: string): FieldView => ({
  name,
  kind: 'timestamp',
  type: 'timestamp',
  pyType: 'datetime.datetime',
  required: true,
  notes: ['UTC, set by the service'],
});

/** Each entity with every key its records carry, in the order the generated models declare them. */
export function entityViews(ir: IR): EntityView[] {
  return ir.entities.map((entity) => ({
    name: entity.name,
    table: entity.table,
    path: `${ir.api.basePath.replace(/\/$/, '')}/${entity.resource}`,
    ...(entity.description ? { description: entity.description } : {}),
    fields: [
      { name: 'id', kind: 'id', type: 'id', pyType: 'int', required: true, notes: ['set by the service'] },
      ...entity.fields.map(irFieldView),
      ...keyFields(entity, ir),
      timestamp('created_at'),
      timestamp('updated_at'),
    ],
  }));
}

function relationshipSummary(rel: IRRelationship, ir: IR): string {
  if (rel.kind === 'many-to-many') {
    return `${rel.from} many-to-many ${rel.to}, through the join table ${rel.joinTable ?? '(unnamed)'}`;
  }
  const table = ir.entities.find((entity) => entity.name === rel.to)?.table ?? snakeCase(rel.to);
  const orNone = rel.required ? '' : ' (or None)';
  return `${rel.from} ${rel.kind} ${rel.to}: ${table}.${foreignKeyOf(rel)} holds the ${rel.from}'s id${orNone}`;
}

export function relationshipViews(ir: IR): RelationshipView[] {
  return ir.relationships.map((rel) => ({
    from: rel.from,
    to: rel.to,
    kind: rel.kind,
    ...(rel.kind === 'many-to-many' ? {} : { foreignKey: foreignKeyOf(rel) }),
    ...(rel.joinTable ? { joinTable: rel.joinTable } : {}),
    required: rel.required,
    summary: relationshipSummary(rel, ir),
  }));
}
