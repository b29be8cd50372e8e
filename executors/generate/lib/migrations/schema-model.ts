// The schema a service's migrations build: every table with its columns, keys, indexes and checks, named exactly as
// the SQLAlchemy models name them. Derived from the IR through the physical model; revisions are diffs between two of
// these, and the lock records the last one so the next generation knows what the database already has.
import type { IR } from '../../../../schemas/ir.js';
import type { MigrationSchema, SchemaTable } from '../../../../schemas/migration-schema.js';
import { fastapiView } from '../fastapi-view.js';
import { physicalModel } from '../physical-model.js';
import { constraintName, schemaTable, supportTables } from './schema-table.js';

export { constraintName, schemaTable } from './schema-table.js';

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The schema the service's models describe: entity tables, many-to-many tables and support tables, sorted by name. */
export function migrationSchema(ir: IR): MigrationSchema {
  const model = physicalModel(ir);
  const tables = model.tables.map((table) => schemaTable(table.name, table.columns));
  for (const join of model.joinTables) {
    const { left, right } = join;
    tables.push({
      name: join.name,
      columns: [
        { name: left.column, type: { kind: 'integer' }, nullable: false },
        { name: right.column, type: { kind: 'integer' }, nullable: false },
      ],
      primaryKey: { name: constraintName('pk', join.name, 'ids'), columns: [left.column, right.column] },
      foreignKeys: [
        {
          name: constraintName('fk', join.name, left.column),
          column: left.column,
          table: left.table,
          onDelete: 'CASCADE',
        },
        {
          name: constraintName('fk', join.name, right.column),
          column: right.column,
          table: right.table,
          onDelete: 'CASCADE',
        },
      ],
      uniques: [],
      // The primary key already indexes the left column (its first part); the right one needs its own index.
      indexes: [{ name: constraintName('ix', join.name, right.column), columns: [right.column] }],
      checks: [],
    });
  }
  tables.push(...supportTables(fastapiView(ir, '')));
  return { tables: tables.sort(byName) };
}

/** Referenced tables first (Kahn's algorithm, ties in the given order); tables in a cycle follow in the given order. */
export function dependencyOrder(tables: SchemaTable[]): SchemaTable[] {
  const names = new Set(tables.map((table) => table.name));
  const pending = new Map(
    tables.map((table) => [
      table.name,
      new Set(table.foreignKeys.map((fk) => fk.table).filter((parent) => parent !== table.name && names.has(parent))),
    ]),
  );
  const ordered: SchemaTable[] = [];
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const table of tables) {
      if (done.has(table.name)) continue;
      if ([...(pending.get(table.name) ?? [])].every((parent) => done.has(parent))) {
        ordered.push(table);
        done.add(table.name);
        progress = true;
        break; // restart so that ties keep the given order
      }
    }
  }
  return [...ordered, ...tables.filter((table) => !done.has(table.name))];
}
