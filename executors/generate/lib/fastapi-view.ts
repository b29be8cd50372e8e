// The view model the FastAPI templates render: Python names, SQLAlchemy columns, Pydantic types and overlay effects,
// derived once from the IR and the physical model so the backend, its tests and the OpenAPI document agree.
import type { FieldType } from '../../../schemas/common.js';
import type { IR, IREntity, IRField } from '../../../schemas/ir.js';
import { type AuditColumns, BUILT_IN_AUDIT, overlayAudit } from './audit-view.js';
import { type DataSubjectView, dataSubject } from './data-subject-view.js';
import { constraintName, schemaTable, supportTables } from './migrations/schema-table.js';
import { type PaginationView, pageParameterNames, paginationView } from './pagination.js';
import {
  INTEGER_RANGE,
  isEncrypted,
  isMaskedLast4,
  type PhysicalTable,
  physicalModel,
  type SqlDatabase,
  snakeCase,
  sqlDatabase,
} from './physical-model.js';
import { columnLine, fieldArgs, modelAttr, PY_TYPES, pyString, pyType, tableArgsLines } from './python-types.js';
import { authEnabled, basePath, isReadOnlyEntity, issuesTokens, type Route, routeTable } from './routes.js';

export type ResponseMode = 'full' | 'mask-last4' | 'omit';

export interface ViewField {
  name: string;
  /** Attribute on the SQLAlchemy model: the column name, suffixed with `_` when SQLAlchemy reserves it. */
  attr: string;
  type: FieldType;
  required: boolean;
  unique: boolean;
  /** Python annotation without Optional, e.g. `str`, `Decimal`, `Literal["a", "b"]`. */
  pyType: string;
  /** Python annotation in responses (no constraints; masked values are strings). */
  readType: string;
  /** Keyword arguments for `Field(...)` beyond the default, e.g. `max_length=255`; may hold `**pattern(...)`. */
  fieldArgs: string[];
  classification?: string;
  encrypted: boolean;
  hashed: boolean;
  last4: boolean;
  response: ResponseMode;
  /** Shown by list endpoints (HIPAA minimum necessary drops some). */
  inList: boolean;
  /** Exact-match query filter on the list endpoint. */
  filterable: boolean;
  values?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

export interface ViewForeignKey {
  column: string;
  required: boolean;
  unique: boolean;
  parent: string;
  parentTable: string;
  parentResource: string;
  onDelete: 'CASCADE' | 'SET NULL';
}

export interface ViewManyToMany {
  /** Relationship attribute on the model, e.g. `products`. */
  attr: string;
  /** API field carrying the related ids, e.g. `product_ids`. */
  idsField: string;
  target: string;
  targetResource: string;
  joinTable: string;
}

export interface ViewEntity {
  name: string;
  table: string;
  resource: string;
  /** Python module under `app/routers/`. */
  module: string;
  /** snake singular (`line_item`), for variables and operation ids. */
  singular: string;
  fields: ViewField[];
  /** SQLAlchemy model body lines (columns and relationships), already formatted. */
  modelLines: string[];
  foreignKeys: ViewForeignKey[];
  manyToMany: ViewManyToMany[];
  /** Has classified fields: reads and writes are audited when the audit control is on. */
  classified: boolean;
  audited: boolean;
  /** Money-moving: POST honours `Idempotency-Key`. */
  idempotent: boolean;
  /** Some field is left out of list items, so list items use their own schema. */
  reducedList: boolean;
  /** Non-sensitive columns usable as list filters: field name + Python type. */
  /** List filters: the query parameter's Python type and its `Query(...)` constraints (as the request schema's). */
  filters: { name: string; pyType: string; queryArgs: string[] }[];
  routes: { list: Route; read: Route; create?: Route; update?: Route; delete?: Route };
  /** The audit trail: list and read only. */
  readOnly: boolean;
}

export interface FastapiView {
  header: string;
  name: string;
  description: string;
  version: string;
  basePath: string;
  auth: 'none' | 'jwt' | 'oauth2' | 'api-key';
  /** The production database the brief targets (`stack.database`): its driver is pinned, `.env.example` points at it. */
  database: SqlDatabase;
  /** The brief's name as a database name (`order-service` → `order_service`), for examples. */
  dbName: string;
  authEnabled: boolean;
  issuesTokens: boolean;
  entities: ViewEntity[];
  /** How list endpoints page: `ir.api.pagination`. */
  pagination: PaginationView;
  joinTables: {
    name: string;
    left: { table: string; column: string; fk: string };
    right: { table: string; column: string; fk: string };
    primaryKey: string;
    index: string;
  }[];
  routes: Route[];
  overlayRoutes: Route[];
  encryption: boolean;
  audit: boolean;
  auditModel: string;
  auditTable: string;
  /** How an audit row is filled: model attribute → Python expression over actor/action/entity/entity_id/source_ip. */
  auditColumns: AuditColumns;
  /** Whether the audit model is an overlay entity (AuditEvent, AccessLog) rather than the built-in one. */
  auditFromOverlay: boolean;
  idempotency: boolean;
  idempotencyModel: string;
  idempotencyTable: string;
  /** `__table_args__` body lines of the built-in audit and idempotency models, keyed by table name. */
  supportTableArgs: Record<string, string[]>;
  rateLimitPerMinute?: number;
  /** What an INTEGER column holds: the bounds of ids, foreign keys and integer fields. */
  integerRange: { min: number; max: number };
  retentionDays: number;
  gdpr?: DataSubjectView;
  /** Classified field names, redacted from logs. */
  redactedNames: string[];
  compliance: string[];
}

const FILTER_TYPES: FieldType[] = ['string', 'integer', 'boolean', 'enum', 'email', 'uuid', 'date', 'url'];

/** `reserved`: query parameters the list endpoint already takes for paging; a field so named is not a filter. */
function viewField(field: IRField, reserved: ReadonlySet<string>): ViewField {
  const encrypted = isEncrypted(field);
  const response: ResponseMode = field.handling?.responses ?? 'full';
  return {
    name: field.name,
    attr: modelAttr(field.name),
    type: field.type,
    required: field.required,
    unique: field.unique,
    pyType: pyType(field),
    readType: response === 'mask-last4' ? 'str' : PY_TYPES[field.type],
    fieldArgs: fieldArgs(field),
    classification: field.classification,
    encrypted,
    hashed: encrypted && field.unique,
    last4: isMaskedLast4(field),
    response,
    inList: response !== 'omit' && field.handling?.inList !== false,
    filterable: !field.classification && !encrypted && FILTER_TYPES.includes(field.type) && !reserved.has(field.name),
    values: field.values,
    min: field.min,
    max: field.max,
    pattern: field.pattern,
  };
}

function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

const MONEY_NAME = /amount|price|total|balance|fee|cost|value|sum/;

/** The model's body: `__table_args__`, columns (foreign keys named as the migrations name them), relationships. */
function modelLines(table: PhysicalTable, relationships: string[]): string[] {
  const schema = schemaTable(table.name, table.columns);
  const fkNames = new Map(schema.foreignKeys.map((fk) => [fk.column, fk.name]));
  const args = tableArgsLines(schema);
  return [
    ...(args.length > 0 ? [...args, ''] : []),
    ...table.columns.map((column) => columnLine(column, fkNames.get(column.name))),
    ...relationships,
  ];
}

function buildEntities(ir: IR, routes: Route[]): ViewEntity[] {
  const model = physicalModel(ir);
  const reserved = new Set(pageParameterNames(ir.api.pagination.value));
  const tables = new Map<string, PhysicalTable>(model.tables.map((table) => [table.entity.name, table]));
  const byName = new Map<string, IREntity>(ir.entities.map((entity) => [entity.name, entity]));
  const relationshipLines = new Map<string, string[]>();
  const usedAttrs = new Map<string, Set<string>>();
  const manyToMany = new Map<string, ViewManyToMany[]>();
  const addLine = (entity: string, line: string) => {
    relationshipLines.set(entity, [...(relationshipLines.get(entity) ?? []), line]);
  };
  const attrName = (entity: string, wanted: string): string => {
    const columns = new Set(tables.get(entity)?.columns.map((column) => column.name) ?? []);
    const used = usedAttrs.get(entity) ?? new Set<string>();
    let name = wanted;
    for (let n = 2; used.has(name) || columns.has(name); n++) name = `${wanted}_${n}`;
    used.add(name);
    usedAttrs.set(entity, used);
    return name;
  };
  for (const table of [...model.tables].sort(byKey((t) => t.entity.name))) {
    for (const column of table.columns) {
      if (column.role !== 'foreign-key' || !column.references) continue;
      const parent = column.references.entity;
      const child = table.entity.name;
      const one = column.unique;
      const childAttr = attrName(child, column.name.replace(/_id$/, '') || snakeCase(parent));
      const parentAttr = attrName(parent, one ? snakeCase(child) : `${table.name}`);
      const fk = pyString(`${child}.${column.name}`);
      addLine(
        child,
        // A self-reference (Category.parent) needs remote_side to tell the many-to-one side from the one-to-many.
        `${childAttr} = relationship(${pyString(parent)}, back_populates=${pyString(parentAttr)}, foreign_keys=${fk}${parent === child ? `, remote_side=${pyString(`${child}.id`)}` : ''})`,
      );
      const cascade = column.references.onDelete === 'CASCADE' ? 'cascade="all, delete-orphan", ' : '';
      addLine(
        parent,
        `${parentAttr} = relationship(${pyString(child)}, back_populates=${pyString(childAttr)}, foreign_keys=${fk}, ${cascade}passive_deletes=True${one ? ', uselist=False' : ''})`,
      );
    }
  }
  for (const join of model.joinTables) {
    const left = join.left.entity;
    const right = join.right.entity;
    const target = byName.get(right);
    if (!target) continue;
    const secondary = `${join.name}_table`;
    if (left === right) {
      const attr = attrName(left, `related_${target.table}`);
      addLine(
        left,
        `${attr} = relationship(${pyString(right)}, secondary=lambda: ${secondary}, primaryjoin=lambda: ${left}.id == ${secondary}.c.${join.left.column}, secondaryjoin=lambda: ${right}.id == ${secondary}.c.${join.right.column})`,
      );
      manyToMany.set(left, [
        ...(manyToMany.get(left) ?? []),
        { attr, idsField: `${attr}_ids`, target: right, targetResource: target.resource, joinTable: join.name },
      ]);
      continue;
    }
    const leftAttr = attrName(left, target.table);
    const rightAttr = attrName(right, join.left.table);
    addLine(
      left,
      `${leftAttr} = relationship(${pyString(right)}, secondary=lambda: ${secondary}, back_populates=${pyString(rightAttr)})`,
    );
    addLine(
      right,
      `${rightAttr} = relationship(${pyString(left)}, secondary=lambda: ${secondary}, back_populates=${pyString(leftAttr)})`,
    );
    manyToMany.set(left, [
      ...(manyToMany.get(left) ?? []),
      {
        attr: leftAttr,
        idsField: `${snakeCase(right)}_ids`,
        target: right,
        targetResource: target.resource,
        joinTable: join.name,
      },
    ]);
  }

  return [...model.tables].sort(byKey((t) => t.entity.resource)).map((table) => {
    const entity = table.entity;
    const fields = entity.fields.map((field) => viewField(field, reserved));
    const foreignKeys: ViewForeignKey[] = table.columns
      .filter((column) => column.role === 'foreign-key' && column.references)
      .map((column) => {
        const parent = byName.get(column.references?.entity ?? '') as IREntity;
        return {
          column: column.name,
          required: !column.nullable,
          unique: column.unique,
          parent: parent.name,
          parentTable: parent.table,
          parentResource: parent.resource,
          onDelete: column.references?.onDelete ?? 'CASCADE',
        };
      });
    const classified = fields.some((field) => field.classification !== undefined);
    const own = routes.filter((route) => route.entity === entity.name);
    const route = (kind: Route['kind']) => own.find((r) => r.kind === kind);
    const singular = snakeCase(entity.name);
    return {
      name: entity.name,
      table: entity.table,
      resource: entity.resource,
      module: entity.table,
      singular,
      fields,
      modelLines: modelLines(table, relationshipLines.get(entity.name) ?? []),
      foreignKeys,
      manyToMany: (manyToMany.get(entity.name) ?? []).sort(byKey((m) => m.attr)),
      classified,
      audited: classified && ir.controls.auditLog,
      idempotent:
        ir.controls.idempotencyKeys === true &&
        fields.some((field) => field.type === 'decimal' && MONEY_NAME.test(field.name)),
      reducedList: fields.some((field) => field.response !== 'omit' && !field.inList),
      filters: [
        ...fields
          .filter((field) => field.filterable)
          .map((field) => ({ name: field.name, pyType: field.pyType, queryArgs: field.fieldArgs })),
        ...foreignKeys.map((fk) => ({ name: fk.column, pyType: 'int', queryArgs: ['ge=1', 'le=schemas.INT_MAX'] })),
      ],
      routes: {
        list: route('list') as Route,
        read: route('read') as Route,
        create: route('create'),
        update: route('update'),
        delete: route('delete'),
      },
      readOnly: isReadOnlyEntity(ir, entity.name),
    };
  });
}

export function fastapiView(ir: IR, qlfVersion: string): FastapiView {
  const routes = routeTable(ir);
  const entities = buildEntities(ir, routes);
  const tables = new Set(entities.map((entity) => entity.table));
  const names = new Set(entities.map((entity) => entity.name));
  const builtIn = (model: string, table: string) => ({
    model: names.has(model) ? `Qlf${model}` : model,
    table: tables.has(table) ? `qlf_${table}` : table,
  });
  const fromOverlay = ir.controls.auditLog ? overlayAudit(ir) : undefined;
  const audit = fromOverlay
    ? { model: fromOverlay.entity.name, table: fromOverlay.entity.table }
    : builtIn('AuditEvent', 'audit_events');
  const idem = builtIn('IdempotencyKey', 'idempotency_keys');
  const redacted = new Set<string>();
  for (const entity of entities) {
    for (const field of entity.fields) if (field.classification) redacted.add(field.name);
  }
  return {
    header: `# Generated by qlf ${qlfVersion} from brief ${ir.name}. Your edits are kept when you regenerate (three-way merge).`,
    name: ir.name,
    description: ir.description.split('\n')[0]?.trim() ?? ir.name,
    version: qlfVersion,
    basePath: basePath(ir),
    auth: ir.api.auth.value,
    database: sqlDatabase(ir),
    dbName: ir.name.replaceAll('-', '_'),
    authEnabled: authEnabled(ir),
    issuesTokens: issuesTokens(ir),
    entities,
    pagination: paginationView(ir),
    joinTables: physicalModel(ir).joinTables.map((join) => ({
      name: join.name,
      left: { table: join.left.table, column: join.left.column, fk: constraintName('fk', join.name, join.left.column) },
      right: {
        table: join.right.table,
        column: join.right.column,
        fk: constraintName('fk', join.name, join.right.column),
      },
      primaryKey: constraintName('pk', join.name, 'ids'),
      index: constraintName('ix', join.name, join.right.column),
    })),
    routes,
    overlayRoutes: routes.filter((route) => route.kind === 'overlay'),
    encryption: entities.some((entity) => entity.fields.some((field) => field.encrypted)),
    audit: ir.controls.auditLog,
    auditModel: audit.model,
    auditTable: audit.table,
    auditColumns: fromOverlay?.columns ?? BUILT_IN_AUDIT,
    auditFromOverlay: fromOverlay !== undefined,
    idempotency: entities.some((entity) => entity.idempotent),
    idempotencyModel: idem.model,
    idempotencyTable: idem.table,
    supportTableArgs: Object.fromEntries(
      supportTables({
        audit: ir.controls.auditLog,
        auditFromOverlay: fromOverlay !== undefined,
        auditTable: audit.table,
        idempotency: entities.some((entity) => entity.idempotent),
        idempotencyTable: idem.table,
      }).map((table) => [table.name, tableArgsLines(table)]),
    ),
    rateLimitPerMinute: ir.controls.rateLimitPerMinute,
    integerRange: INTEGER_RANGE,
    retentionDays: ir.controls.retentionDays ?? 365 * 7,
    gdpr: dataSubject(entities, routes),
    redactedNames: [...redacted].sort(),
    compliance: ir.compliance.map((finding) => finding.value).sort(),
  };
}
