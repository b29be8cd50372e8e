import { describe, expect, it } from 'vitest';
import { constraintName, type DdlTable, dependencyOrder, renderDdl } from './ddl.js';
import type { PhysicalColumn } from './physical-model.js';

const id: PhysicalColumn = { name: 'id', role: 'id', type: 'id', nullable: false, unique: true, index: false };

function fk(name: string, table: string): PhysicalColumn {
  return {
    name,
    role: 'foreign-key',
    type: 'foreign-key',
    nullable: true,
    unique: false,
    index: true,
    references: { table, entity: table, onDelete: 'SET NULL' },
  };
}

function table(name: string, ...refs: [string, string][]): DdlTable {
  return { name, columns: [id, ...refs.map(([column, parent]) => fk(column, parent))] };
}

describe('dependencyOrder', () => {
  it.each([
    ['keeps independent tables in the given order', [table('a'), table('b')], ['a', 'b']],
    ['puts a referenced table first', [table('child', ['p_id', 'parent']), table('parent')], ['parent', 'child']],
    ['follows a chain', [table('c', ['b_id', 'b']), table('b', ['a_id', 'a']), table('a')], ['a', 'b', 'c']],
    ['ignores self references', [table('node', ['parent_id', 'node'])], ['node']],
    ['keeps a cycle in the given order', [table('x', ['y_id', 'y']), table('y', ['x_id', 'x'])], ['x', 'y']],
  ])('%s', (_name, tables, expected) => {
    expect(dependencyOrder(tables).map((t) => t.name)).toEqual(expected);
  });
});

describe('renderDdl', () => {
  it('adds the PostgreSQL foreign keys of a reference cycle after both tables exist', () => {
    const sql = renderDdl([table('x', ['y_id', 'y']), table('y', ['x_id', 'x'])], [], 'postgresql').join('\n\n');
    expect(sql).toContain(
      'ALTER TABLE "x" ADD CONSTRAINT "fk_x_y_id" FOREIGN KEY ("y_id") REFERENCES "y" ("id") ON DELETE SET NULL;',
    );
    expect(sql.indexOf('ALTER TABLE')).toBeGreaterThan(sql.indexOf('CREATE TABLE "y"'));
  });

  it('keeps SQLite foreign keys inline, since SQLite resolves them lazily', () => {
    const sql = renderDdl([table('x', ['y_id', 'y']), table('y', ['x_id', 'x'])], [], 'sqlite').join('\n\n');
    expect(sql).not.toContain('ALTER TABLE');
    expect(sql).toContain('CONSTRAINT "fk_x_y_id" FOREIGN KEY');
  });

  it('quotes reserved words and escapes enum values', () => {
    const column: PhysicalColumn = {
      name: 'order',
      role: 'field',
      type: 'enum',
      nullable: false,
      unique: false,
      index: false,
      values: ["it's", 'b'],
      maxLength: 64,
    };
    const sql = renderDdl([{ name: 'user', columns: [id, column] }], [], 'sqlite').join('\n');
    expect(sql).toContain('CREATE TABLE "user" (');
    expect(sql).toContain(`CONSTRAINT "ck_user_order" CHECK ("order" IN ('it''s', 'b'))`);
  });
});

describe('constraintName', () => {
  it.each([
    ['fk', 'orders', 'customer_id', 'fk_orders_customer_id'],
    ['ix', 'a'.repeat(40), 'b'.repeat(40), /^ix_a{40}_b{10}_[0-9a-f]{8}$/],
  ])('%s %s %s', (prefix, tableName, column, expected) => {
    const name = constraintName(prefix, tableName, column);
    expect(name.length).toBeLessThanOrEqual(63);
    if (typeof expected === 'string') expect(name).toBe(expected);
    else expect(name).toMatch(expected);
  });

  it('gives two long names that share a prefix different results', () => {
    const long = 'x'.repeat(60);
    expect(constraintName('fk', long, 'a_id')).not.toBe(constraintName('fk', long, 'b_id'));
  });
});
