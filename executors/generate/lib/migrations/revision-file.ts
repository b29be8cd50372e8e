// Renders an Alembic revision (a Python module) from a schema diff: `upgrade()` takes the database from the previous
// schema to the new one and `downgrade()` back. Column changes go through `op.batch_alter_table`, which alters the
// table in place on PostgreSQL and MySQL and rebuilds it on SQLite (from the table as it was, given in full, so the
// rebuild keeps constraints SQLite cannot reflect). A revision depends on nothing in `app/`: it must keep working
// after the models move on.

import type { ColumnType, MigrationSchema, SchemaColumn, SchemaTable } from '../../../../schemas/migration-schema.js';
import { pyString, saType } from '../python-types.js';
import { type BackfillValue, type BatchOp, diffSchemas, type MigrationWarning, type Step } from './schema-diff.js';

const INDENT = '    ';

/** A column type in a revision: timestamps use `UTC_DATETIME`, defined at the top of the revision. */
function revisionType(type: ColumnType): string {
  return saType(type, { datetime: 'UTC_DATETIME', numeric: 'sa.Numeric' });
}

/** PostgreSQL's name for a type, for the `USING` cast of a type change. */
function pgType(type: ColumnType): string {
  switch (type.kind) {
    case 'string':
      return `VARCHAR(${type.length})`;
    case 'numeric':
      return `NUMERIC(${type.precision},${type.scale})`;
    case 'datetime':
      return 'TIMESTAMP WITH TIME ZONE';
    case 'json':
      return 'JSON';
    default:
      return type.kind.toUpperCase();
  }
}

function columnExpr(column: SchemaColumn): string {
  const args = [pyString(column.name), revisionType(column.type)];
  if (column.autoincrement) args.push('autoincrement=True');
  args.push(`nullable=${column.nullable ? 'True' : 'False'}`);
  return `sa.Column(${args.join(', ')})`;
}

function checkExpr(column: string, values: string[]): string {
  return `sa.column(${pyString(column)}).in_([${values.map(pyString).join(', ')}])`;
}

function columnList(columns: string[]): string {
  return `[${columns.map(pyString).join(', ')}]`;
}

/** The arguments that describe a whole table: columns, then keys and constraints (indexes are separate). */
function tableArgs(table: SchemaTable): string[] {
  return [
    ...table.columns.map(columnExpr),
    `sa.PrimaryKeyConstraint(${table.primaryKey.columns.map(pyString).join(', ')}, name=${pyString(table.primaryKey.name)})`,
    ...table.foreignKeys.map(
      (fk) =>
        `sa.ForeignKeyConstraint([${pyString(fk.column)}], [${pyString(`${fk.table}.id`)}], name=${pyString(fk.name)}, ondelete=${pyString(fk.onDelete)})`,
    ),
    ...table.uniques.map(
      (unique) => `sa.UniqueConstraint(${unique.columns.map(pyString).join(', ')}, name=${pyString(unique.name)})`,
    ),
    ...table.checks.map(
      (check) => `sa.CheckConstraint(${checkExpr(check.column, check.values)}, name=${pyString(check.name)})`,
    ),
  ];
}

function call(head: string, args: string[], indent: string): string[] {
  return [`${indent}${head}(`, ...args.map((arg) => `${indent}${INDENT}${arg},`), `${indent})`];
}

function batchOp(op: BatchOp, indent: string): string[] {
  switch (op.kind) {
    case 'drop-fk':
      return [`${indent}batch_op.drop_constraint(${pyString(op.name)}, type_="foreignkey")`];
    case 'drop-check':
      return [`${indent}batch_op.drop_constraint(${pyString(op.name)}, type_="check")`];
    case 'drop-unique':
      return [`${indent}batch_op.drop_constraint(${pyString(op.name)}, type_="unique")`];
    case 'drop-index':
      return [`${indent}batch_op.drop_index(${pyString(op.name)})`];
    case 'drop-column':
      return [`${indent}batch_op.drop_column(${pyString(op.name)})`];
    case 'add-column':
      return [`${indent}batch_op.add_column(${columnExpr(op.column)})`];
    case 'alter-column': {
      const args = [pyString(op.name), `existing_type=${revisionType(op.existingType)}`];
      if (JSON.stringify(op.type) !== JSON.stringify(op.existingType)) {
        args.push(`type_=${revisionType(op.type)}`);
        if (op.type.kind !== op.existingType.kind) {
          args.push(`postgresql_using=${pyString(`"${op.name.replaceAll('"', '""')}"::${pgType(op.type)}`)}`);
        }
      }
      if (op.nullable !== op.existingNullable) args.push(`nullable=${op.nullable ? 'True' : 'False'}`);
      else args.push(`existing_nullable=${op.existingNullable ? 'True' : 'False'}`);
      return call('batch_op.alter_column', args, indent);
    }
    case 'create-index':
      return [`${indent}batch_op.create_index(${pyString(op.name)}, ${columnList(op.columns)})`];
    case 'create-unique':
      return [`${indent}batch_op.create_unique_constraint(${pyString(op.name)}, ${columnList(op.columns)})`];
    case 'create-check':
      return [`${indent}batch_op.create_check_constraint(${pyString(op.name)}, ${checkExpr(op.column, op.values)})`];
    case 'create-fk':
      return [
        `${indent}batch_op.create_foreign_key(${pyString(op.fk.name)}, ${pyString(op.fk.table)}, [${pyString(op.fk.column)}], ["id"], ondelete=${pyString(op.fk.onDelete)})`,
      ];
  }
}

function backfillLiteral(value: BackfillValue): string {
  switch (value.kind) {
    case 'string':
      return pyString(value.value);
    case 'number':
      return String(value.value);
    case 'boolean':
      return value.value ? 'True' : 'False';
    case 'date':
      return 'datetime.date(1970, 1, 1)';
    case 'datetime':
      return 'datetime.datetime(1970, 1, 1)';
    default:
      return '{}';
  }
}

function stepLines(step: Step): string[] {
  const indent = INDENT;
  switch (step.kind) {
    case 'create-table':
      return [
        ...call('op.create_table', [pyString(step.table.name), ...tableArgs(step.table)], indent),
        ...step.table.indexes.map(
          (index) =>
            `${indent}op.create_index(${pyString(index.name)}, ${pyString(step.table.name)}, ${columnList(index.columns)})`,
        ),
      ];
    case 'drop-table':
      return [`${indent}op.drop_table(${pyString(step.table.name)})`];
    case 'backfill': {
      const column = `sa.column(${pyString(step.column.name)}, ${revisionType(step.column.type)})`;
      return [
        `${indent}rows = sa.table(${pyString(step.table)}, ${column})`,
        `${indent}op.execute(`,
        `${indent}${INDENT}rows.update()`,
        `${indent}${INDENT}.where(rows.c[${pyString(step.column.name)}].is_(None))`,
        `${indent}${INDENT}.values({${pyString(step.column.name)}: ${backfillLiteral(step.value)}})`,
        `${indent})`,
      ];
    }
    case 'batch': {
      // The table as it stands, so that SQLite's rebuild keeps what it cannot reflect (CHECK constraints). Its indexes
      // too: the rebuild creates only the indexes of this copy, and drop_index fails for one the copy lacks.
      const indexes = step.before.indexes.map(
        (index) => `sa.Index(${[index.name, ...index.columns].map(pyString).join(', ')})`,
      );
      const copy = [
        `sa.Table(`,
        `${INDENT}${INDENT}${pyString(step.table)},`,
        `${INDENT}${INDENT}sa.MetaData(),`,
        ...[...tableArgs(step.before), ...indexes].map((arg) => `${INDENT}${INDENT}${arg},`),
        `${INDENT})`,
      ];
      return [
        `${indent}with op.batch_alter_table(`,
        `${indent}${INDENT}${pyString(step.table)},`,
        `${indent}${INDENT}copy_from=${copy.join(`\n${indent}`)},`,
        `${indent}) as batch_op:`,
        ...step.ops.flatMap((op) => batchOp(op, indent + INDENT)),
      ];
    }
  }
}

/**
 * Text for the module's docstring: enum values in the review notes can hold backslashes, quotes (`"""` would end the
 * docstring) and control characters, which are escaped so that the module compiles and the docstring reads as written.
 */
function docText(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replace(/"(?=")/g, '\\"')
    .replace(/[\x00-\x1f\x7f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function body(steps: Step[]): string[] {
  if (steps.length === 0) return [`${INDENT}pass`];
  return steps.flatMap((step, index) => [...(index > 0 ? [''] : []), ...stepLines(step)]);
}

export interface RevisionFile {
  /** The Alembic revision id: `0002`. */
  id: string;
  /** `migrations/versions/0002_add_payments_note.py`. */
  path: string;
  content: string;
  message: string;
  warnings: MigrationWarning[];
}

/** `add payments.note, create table refunds` → `add_payments_note`: the first phrase, as a file-name slug. */
function slugOf(summary: string[], initial: boolean): string {
  if (initial) return 'initial';
  const first = (summary[0] ?? 'update schema')
    .replace(/[^a-z0-9]+/gi, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  return `${first.slice(0, 40).replace(/_$/, '')}${summary.length > 1 ? '_and_more' : ''}`;
}

export interface RevisionInput {
  brief: string;
  id: string;
  /** The revision this one follows; undefined for the first. */
  downRevision?: string;
  from: MigrationSchema;
  to: MigrationSchema;
}

/** The revision taking `from` to `to`, or undefined when they are the same schema. Byte-identical for equal input. */
export function renderRevision(input: RevisionInput): RevisionFile | undefined {
  const up = diffSchemas(input.from, input.to);
  if (up.steps.length === 0) return undefined;
  const down = diffSchemas(input.to, input.from);
  const initial = input.from.tables.length === 0;
  const message = initial ? 'initial schema' : up.summary.join(', ');
  const usesDate = [...up.steps, ...down.steps].some(
    (step) => step.kind === 'backfill' && (step.value.kind === 'date' || step.value.kind === 'datetime'),
  );
  const text = [...up.steps, ...down.steps].flatMap(stepLines).join('\n');
  const review = up.warnings.map(
    (warning) => `- ${warning.destructive ? 'DESTRUCTIVE: ' : ''}${docText(warning.message)}`,
  );
  const lines = [
    `"""${docText(message.length > 72 ? `${message.slice(0, 69)}...` : message)}`,
    '',
    `Revision ID: ${docText(input.id)}`,
    `Revises: ${docText(input.downRevision ?? '')}`,
    '',
    `Written by qlf from brief ${docText(input.brief)}: ${docText(message)}.`,
    'qlf never rewrites this file once it exists; edit it freely (a data step, a rename) before it reaches production.',
    ...(review.length > 0 ? ['', 'Review before applying it to a database that holds data:', ...review] : []),
    '"""',
    ...(usesDate ? ['import datetime', ''] : []),
    'import sqlalchemy as sa',
    'from alembic import op',
    ...(text.includes('UTC_DATETIME')
      ? [
          'from sqlalchemy.dialects import mysql',
          '',
          '# Timestamps in UTC; MySQL keeps whole seconds unless asked for microseconds.',
          'UTC_DATETIME = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql")',
        ]
      : []),
    '',
    `revision = ${pyString(input.id)}`,
    `down_revision = ${input.downRevision === undefined ? 'None' : pyString(input.downRevision)}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade() -> None:',
    ...body(up.steps),
    '',
    '',
    'def downgrade() -> None:',
    ...body(down.steps),
    '',
  ];
  return {
    id: input.id,
    path: `migrations/versions/${input.id}_${slugOf(up.summary, initial)}.py`,
    content: lines.join('\n'),
    message,
    warnings: up.warnings,
  };
}
