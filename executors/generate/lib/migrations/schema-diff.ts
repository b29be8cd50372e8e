// The steps that take a database from one migration schema to another, in an order every dialect accepts: new tables,
// then each changed table (drops, additions, back-fills, new constraints), then foreign keys that close a cycle, then
// dropped tables. A downgrade is the diff the other way round. Changes that can lose data or fail on existing rows
// come with a warning that the revision and the run output show.
import type {
  ColumnType,
  MigrationSchema,
  SchemaColumn,
  SchemaForeignKey,
  SchemaTable,
} from '../../../../schemas/migration-schema.js';
import { dependencyOrder } from './schema-model.js';

export type BatchOp =
  | { kind: 'drop-fk'; name: string }
  | { kind: 'drop-check'; name: string }
  | { kind: 'drop-unique'; name: string }
  | { kind: 'drop-index'; name: string }
  | { kind: 'drop-column'; name: string }
  | { kind: 'add-column'; column: SchemaColumn }
  | {
      kind: 'alter-column';
      name: string;
      type: ColumnType;
      existingType: ColumnType;
      nullable: boolean;
      existingNullable: boolean;
    }
  | { kind: 'create-index'; name: string; columns: string[] }
  | { kind: 'create-unique'; name: string; columns: string[] }
  | { kind: 'create-check'; name: string; column: string; values: string[] }
  | { kind: 'create-fk'; fk: SchemaForeignKey };

export type Step =
  | { kind: 'create-table'; table: SchemaTable }
  | { kind: 'drop-table'; table: SchemaTable }
  /** Ops on one table; `before` is the table as the batch finds it (SQLite rebuilds the table from it). */
  | { kind: 'batch'; table: string; before: SchemaTable; ops: BatchOp[] }
  /** Sets `column` to `value` where it is NULL, before it becomes NOT NULL. */
  | { kind: 'backfill'; table: string; column: SchemaColumn; value: BackfillValue };

export type BackfillValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'json' };

export interface MigrationWarning {
  /** Loses data that exists today (a dropped column or table): a person must review it before production. */
  destructive: boolean;
  message: string;
}

export interface SchemaDiff {
  steps: Step[];
  warnings: MigrationWarning[];
  /** Short phrases for the revision's message and file name: `add payments.note`, `create table refunds`. */
  summary: string[];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function typeLabel(type: ColumnType): string {
  switch (type.kind) {
    case 'string':
      return `VARCHAR(${type.length})`;
    case 'numeric':
      return `NUMERIC(${type.precision},${type.scale})`;
    default:
      return type.kind.toUpperCase();
  }
}

/** What existing rows get when a column they lack a value for becomes required. */
function backfillValue(table: SchemaTable, column: SchemaColumn): BackfillValue {
  const check = table.checks.find((candidate) => candidate.column === column.name);
  switch (column.type.kind) {
    case 'string':
      return { kind: 'string', value: check?.values[0] ?? '' };
    case 'text':
      return { kind: 'string', value: '' };
    case 'integer':
    case 'numeric':
      return { kind: 'number', value: 0 };
    case 'boolean':
      return { kind: 'boolean', value: false };
    default:
      return { kind: column.type.kind };
  }
}

export function backfillLabel(value: BackfillValue): string {
  switch (value.kind) {
    case 'string':
      return JSON.stringify(value.value);
    case 'number':
      return String(value.value);
    case 'boolean':
      return String(value.value);
    case 'date':
      return '1970-01-01';
    case 'datetime':
      return '1970-01-01 00:00:00';
    default:
      return '{}';
  }
}

/** Whether a type change keeps every value: a longer string, more digits, or any value into TEXT. */
function widens(from: ColumnType, to: ColumnType): boolean {
  if (from.kind === 'string' && to.kind === 'string') return to.length >= from.length;
  if (from.kind === 'string' && to.kind === 'text') return true;
  if (from.kind === 'numeric' && to.kind === 'numeric') {
    return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
  }
  return false;
}

/** Applies a batch's ops to a table description: the table as the next step finds it. */
export function applyBatch(table: SchemaTable, ops: BatchOp[]): SchemaTable {
  const next: SchemaTable = structuredClone(table);
  for (const op of ops) {
    switch (op.kind) {
      case 'drop-fk':
        next.foreignKeys = next.foreignKeys.filter((fk) => fk.name !== op.name);
        break;
      case 'drop-check':
        next.checks = next.checks.filter((check) => check.name !== op.name);
        break;
      case 'drop-unique':
        next.uniques = next.uniques.filter((unique) => unique.name !== op.name);
        break;
      case 'drop-index':
        next.indexes = next.indexes.filter((index) => index.name !== op.name);
        break;
      case 'drop-column':
        next.columns = next.columns.filter((column) => column.name !== op.name);
        break;
      case 'add-column':
        next.columns.push(structuredClone(op.column));
        break;
      case 'alter-column':
        next.columns = next.columns.map((column) =>
          column.name === op.name ? { ...column, type: op.type, nullable: op.nullable } : column,
        );
        break;
      case 'create-index':
        next.indexes.push({ name: op.name, columns: op.columns });
        break;
      case 'create-unique':
        next.uniques.push({ name: op.name, columns: op.columns });
        break;
      case 'create-check':
        next.checks.push({ name: op.name, column: op.column, values: op.values });
        break;
      case 'create-fk':
        next.foreignKeys.push(op.fk);
        break;
    }
  }
  return next;
}

function byName<T extends { name: string }>(list: T[]): Map<string, T> {
  return new Map(list.map((item) => [item.name, item]));
}

/** Items of `from` missing or different in `to`, and items of `to` missing or different in `from`. */
function changed<T extends { name: string }>(from: T[], to: T[]): { removed: T[]; added: T[] } {
  const before = byName(from);
  const after = byName(to);
  return {
    removed: from.filter((item) => !sameJson(item, after.get(item.name))),
    added: to.filter((item) => !sameJson(item, before.get(item.name))),
  };
}

/**
 * Makes `column` NOT NULL in `last`, after a back-fill of the rows without a value; returns what those rows get.
 * A foreign key has no value every row could get (no row of the parent fits them all), so it is not filled: the
 * revision then fails while such rows exist, instead of pointing them at a parent row that does not exist.
 */
function requireColumn(
  table: SchemaTable,
  column: SchemaColumn,
  backfills: Step[],
  last: BatchOp[],
): { label: string } | { parent: string } {
  last.push({
    kind: 'alter-column',
    name: column.name,
    type: column.type,
    existingType: column.type,
    nullable: false,
    existingNullable: true,
  });
  const reference = table.foreignKeys.find((fk) => fk.column === column.name);
  if (reference) return { parent: reference.table };
  const value = backfillValue(table, column);
  backfills.push({ kind: 'backfill', table: table.name, column, value });
  return { label: backfillLabel(value) };
}

const NO_PARENT = 'fill it in this revision before applying it to a database that holds data';

function tableSteps(from: SchemaTable, to: SchemaTable, diff: SchemaDiff): Step[] {
  const steps: Step[] = [];
  const name = to.name;
  const fks = changed(from.foreignKeys, to.foreignKeys);
  const checks = changed(from.checks, to.checks);
  const uniques = changed(from.uniques, to.uniques);
  const indexes = changed(from.indexes, to.indexes);
  const oldColumns = byName(from.columns);
  const newColumns = byName(to.columns);
  const dropped = from.columns.filter((column) => !newColumns.has(column.name));
  const added = to.columns.filter((column) => !oldColumns.has(column.name));
  const first: BatchOp[] = [];
  const backfills: Step[] = [];
  const last: BatchOp[] = [];

  // MySQL refuses to drop the last index a foreign key can use, so an index or unique constraint that takes over on
  // columns the table keeps is created before the old one goes, and an index dropped from such columns goes last.
  const kept = (columns: string[]) => columns.every((column) => oldColumns.has(column) && newColumns.has(column));
  const sameName = (list: { name: string }[], item: { name: string }) => list.some((other) => other.name === item.name);
  const earlyIndexes = indexes.added.filter((index) => kept(index.columns) && !sameName(indexes.removed, index));
  const lateDrops = indexes.removed.filter((index) => kept(index.columns) && !sameName(indexes.added, index));
  const createIndex = (index: { name: string; columns: string[] }): BatchOp => ({
    kind: 'create-index',
    name: index.name,
    columns: index.columns,
  });

  first.push(...fks.removed.map((fk) => ({ kind: 'drop-fk' as const, name: fk.name })));
  first.push(...checks.removed.map((check) => ({ kind: 'drop-check' as const, name: check.name })));
  first.push(...earlyIndexes.map(createIndex));
  first.push(...uniques.removed.map((unique) => ({ kind: 'drop-unique' as const, name: unique.name })));
  for (const column of added) {
    // A required column is added empty, filled, then made NOT NULL: existing rows have no value for it.
    first.push({ kind: 'add-column', column: { ...column, nullable: true } });
    diff.summary.push(`add ${name}.${column.name}`);
    if (!column.nullable) {
      const fill = requireColumn(to, column, backfills, last);
      diff.warnings.push({
        destructive: false,
        message:
          'label' in fill
            ? `adds required column ${name}.${column.name}: existing rows get ${fill.label}`
            : `adds required column ${name}.${column.name} referencing ${fill.parent}: fails while ${name} has rows, as no ${fill.parent} row can be chosen for them; ${NO_PARENT}`,
      });
    }
  }
  for (const column of to.columns) {
    const old = oldColumns.get(column.name);
    if (!old || (sameJson(old.type, column.type) && old.nullable === column.nullable)) continue;
    const typeChanged = !sameJson(old.type, column.type);
    const tightened = old.nullable && !column.nullable;
    // Types and relaxed nullability change first; a column made required is filled, then tightened.
    first.push({
      kind: 'alter-column',
      name: column.name,
      type: column.type,
      existingType: old.type,
      nullable: tightened ? true : column.nullable,
      existingNullable: old.nullable,
    });
    if (typeChanged) {
      diff.summary.push(`change ${name}.${column.name}`);
      if (!widens(old.type, column.type)) {
        diff.warnings.push({
          destructive: false,
          message: `changes ${name}.${column.name} from ${typeLabel(old.type)} to ${typeLabel(column.type)}: fails (or cuts values short) where existing values do not fit`,
        });
      }
    }
    if (tightened) {
      const fill = requireColumn(to, column, backfills, last);
      diff.summary.push(`require ${name}.${column.name}`);
      diff.warnings.push({
        destructive: false,
        message:
          'label' in fill
            ? `makes ${name}.${column.name} required: existing rows without a value get ${fill.label}`
            : `makes ${name}.${column.name} (referencing ${fill.parent}) required: fails while rows have no value, as no ${fill.parent} row can be chosen for them; ${NO_PARENT}`,
      });
    } else if (!typeChanged) {
      diff.summary.push(`relax ${name}.${column.name}`);
    }
  }
  first.push(...indexes.added.filter((index) => !earlyIndexes.includes(index)).map(createIndex));
  first.push(
    ...indexes.removed
      .filter((index) => !lateDrops.includes(index))
      .map((index) => ({ kind: 'drop-index' as const, name: index.name })),
  );
  for (const column of dropped) {
    first.push({ kind: 'drop-column', name: column.name });
    diff.summary.push(`drop ${name}.${column.name}`);
    diff.warnings.push({
      destructive: true,
      message: `drops column ${name}.${column.name} and the data in it`,
    });
  }
  for (const unique of uniques.added) {
    last.push({ kind: 'create-unique', name: unique.name, columns: unique.columns });
    if (unique.columns.every((column) => oldColumns.has(column))) {
      diff.warnings.push({
        destructive: false,
        message: `adds unique constraint ${unique.name} on ${name} (${unique.columns.join(', ')}): fails while existing rows repeat a value`,
      });
    }
  }
  for (const check of checks.added) {
    last.push({ kind: 'create-check', name: check.name, column: check.column, values: check.values });
    const old = from.checks.find((candidate) => candidate.column === check.column);
    if (
      oldColumns.has(check.column) &&
      !(
        old &&
        check.values.every((value) => old.values.includes(value)) &&
        old.values.every((value) => check.values.includes(value))
      )
    ) {
      const narrower = !old || old.values.some((value) => !check.values.includes(value));
      if (narrower) {
        diff.warnings.push({
          destructive: false,
          message: `restricts ${name}.${check.column} to ${check.values.join(', ')}: fails while existing rows hold another value`,
        });
      }
    }
  }
  last.push(...fks.added.map((fk) => ({ kind: 'create-fk' as const, fk })));
  last.push(...lateDrops.map((index) => ({ kind: 'drop-index' as const, name: index.name })));
  if (
    uniques.added.length + uniques.removed.length + indexes.added.length + indexes.removed.length > 0 &&
    !diff.summary.some((s) => s.includes(`${name}.`))
  ) {
    diff.summary.push(`update ${name}`);
  }
  // A dropped and an added column of one type in one table is most likely a rename, which this revision does not keep.
  for (const gone of dropped) {
    const twin = added.find((column) => sameJson(column.type, gone.type));
    if (twin) {
      diff.warnings.push({
        destructive: true,
        message: `${name}.${gone.name} → ${name}.${twin.name} looks like a rename, but the revision drops ${gone.name} (losing its data) and adds ${twin.name}; to keep the data, replace the two with batch_op.alter_column(${JSON.stringify(gone.name)}, new_column_name=${JSON.stringify(twin.name)})`,
      });
    }
  }
  let state = from;
  if (first.length > 0) {
    steps.push({ kind: 'batch', table: name, before: state, ops: first });
    state = applyBatch(state, first);
  }
  steps.push(...backfills);
  if (last.length > 0) steps.push({ kind: 'batch', table: name, before: state, ops: last });
  return steps;
}

/** The steps from `from` to `to`, with warnings about data; an empty list when they describe the same schema. */
export function diffSchemas(from: MigrationSchema, to: MigrationSchema): SchemaDiff {
  const diff: SchemaDiff = { steps: [], warnings: [], summary: [] };
  const before = byName(from.tables);
  const after = byName(to.tables);
  const created = dependencyOrder(to.tables.filter((table) => !before.has(table.name)));
  const removed = dependencyOrder(from.tables.filter((table) => !after.has(table.name))).reverse();

  // New tables: a foreign key to a table created later (a cycle) is added once both exist.
  const exists = new Set(from.tables.filter((table) => after.has(table.name)).map((table) => table.name));
  const deferred: { table: SchemaTable; fks: SchemaForeignKey[] }[] = [];
  for (const table of created) {
    const later = table.foreignKeys.filter((fk) => fk.table !== table.name && !exists.has(fk.table));
    const inline = { ...table, foreignKeys: table.foreignKeys.filter((fk) => !later.includes(fk)) };
    diff.steps.push({ kind: 'create-table', table: inline });
    diff.summary.push(`create table ${table.name}`);
    exists.add(table.name);
    if (later.length > 0) deferred.push({ table: inline, fks: later });
  }
  for (const table of to.tables) {
    const old = before.get(table.name);
    if (old && !sameJson(old, table)) diff.steps.push(...tableSteps(old, table, diff));
  }
  for (const { table, fks } of deferred) {
    diff.steps.push({
      kind: 'batch',
      table: table.name,
      before: table,
      ops: fks.map((fk) => ({ kind: 'create-fk', fk })),
    });
  }
  // Tables dropped in a cycle of foreign keys: a key pointing at a table dropped earlier goes first.
  removed.forEach((table, index) => {
    const earlier = new Set(removed.slice(0, index).map((candidate) => candidate.name));
    const cyclic = table.foreignKeys.filter((fk) => earlier.has(fk.table));
    if (cyclic.length === 0) return;
    diff.steps.push({
      kind: 'batch',
      table: table.name,
      before: table,
      ops: cyclic.map((fk) => ({ kind: 'drop-fk', name: fk.name })),
    });
    removed[index] = { ...table, foreignKeys: table.foreignKeys.filter((fk) => !cyclic.includes(fk)) };
  });
  for (const table of removed) {
    diff.steps.push({ kind: 'drop-table', table });
    diff.summary.push(`drop table ${table.name}`);
    diff.warnings.push({ destructive: true, message: `drops table ${table.name} and every row in it` });
  }
  return diff;
}
