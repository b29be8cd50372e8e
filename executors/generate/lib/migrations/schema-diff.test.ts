// Table-driven checks of the steps and warnings between two migration schemas: no database, no files.
import { describe, expect, it } from 'vitest';
import type { MigrationSchema, SchemaColumn, SchemaTable } from '../../../../schemas/migration-schema.js';
import { column, fk, integer, table, varchar } from '../../fixtures/migration-schemas.js';
import { type BackfillValue, type BatchOp, diffSchemas, type Step } from './schema-diff.js';
import { constraintName } from './schema-table.js';

function child(name: string, parent: string, columnName = `${parent}_id`): SchemaTable {
  return table(name, [column(columnName, integer, true)], {
    foreignKeys: [fk(name, columnName, parent)],
    indexes: [{ name: constraintName('ix', name, columnName), columns: [columnName] }],
  });
}

function enumTable(values: string[]): SchemaTable {
  return table('items', [column('status', varchar(64))], {
    checks: [{ name: constraintName('ck', 'items', 'status'), column: 'status', values }],
  });
}

const schema = (...tables: SchemaTable[]): MigrationSchema => ({ tables });
const items = (...columns: SchemaColumn[]) => table('items', [column('name', varchar(255)), ...columns]);
const empty = schema();

function opOutline(op: BatchOp): string {
  if (op.kind === 'add-column') return `add-column ${op.column.name} nullable=${op.column.nullable}`;
  if (op.kind === 'alter-column') return `alter-column ${op.name} nullable=${op.nullable}`;
  if (op.kind === 'create-fk') return `create-fk ${op.fk.name}`;
  return `${op.kind} ${op.name}`;
}

/** `create posts fks=[]`, `batch comments: drop-fk fk_...`: a step in a form a failing test shows at a glance. */
function stepOutline(step: Step): string {
  switch (step.kind) {
    case 'create-table':
      return `create ${step.table.name} fks=[${step.table.foreignKeys.map((key) => key.table).join(',')}]`;
    case 'drop-table':
      return `drop ${step.table.name}`;
    case 'backfill':
      return `backfill ${step.table}.${step.column.name}=${JSON.stringify(step.value)}`;
    case 'batch':
      return `batch ${step.table}: ${step.ops.map(opOutline).join('; ')}`;
  }
}

const outline = (steps: Step[]) => steps.map(stepOutline);

describe('diffSchemas', () => {
  it('finds nothing between identical schemas, however they were built', () => {
    const a = schema(child('comments', 'posts'), table('posts', [column('title', varchar(200))]));
    const diff = diffSchemas(a, structuredClone(a));
    expect(diff).toEqual({ steps: [], warnings: [], summary: [] });
    expect(diffSchemas(empty, empty).steps).toEqual([]);
  });

  it('creates referenced tables before the tables pointing at them, and drops them in the reverse order', () => {
    // `comments` sorts before `posts`, which it references.
    const to = schema(child('comments', 'posts'), table('posts', [column('title', varchar(200))]));
    const up = diffSchemas(empty, to);
    expect(outline(up.steps)).toEqual(['create posts fks=[]', 'create comments fks=[posts]']);
    expect(up.summary).toEqual(['create table posts', 'create table comments']);
    expect(up.warnings).toEqual([]);

    const down = diffSchemas(to, empty);
    expect(outline(down.steps)).toEqual(['drop comments', 'drop posts']);
    expect(down.warnings.map((warning) => warning.destructive)).toEqual([true, true]);
  });

  it('adds the foreign key that closes a cycle once both new tables exist, and drops it before either table', () => {
    const to = schema(child('alphas', 'betas'), child('betas', 'alphas'));
    const up = diffSchemas(empty, to);
    expect(outline(up.steps)).toEqual([
      'create alphas fks=[]',
      'create betas fks=[alphas]',
      `batch alphas: create-fk ${constraintName('fk', 'alphas', 'betas_id')}`,
    ]);

    const down = diffSchemas(to, empty);
    expect(outline(down.steps)).toEqual([
      `batch alphas: drop-fk ${constraintName('fk', 'alphas', 'betas_id')}`,
      'drop betas',
      'drop alphas',
    ]);
  });

  it('adds an optional column with one add_column and no warning', () => {
    const diff = diffSchemas(schema(items()), schema(items(column('note', { kind: 'text' }, true))));
    expect(outline(diff.steps)).toEqual(['batch items: add-column note nullable=true']);
    expect(diff.warnings).toEqual([]);
    expect(diff.summary).toEqual(['add items.note']);
  });

  const required: [string, SchemaColumn, string[], BackfillValue, string][] = [
    ['a string', column('code', varchar(20)), [], { kind: 'string', value: '' }, '""'],
    ['an integer', column('stock', integer), [], { kind: 'number', value: 0 }, '0'],
    ['a boolean', column('active', { kind: 'boolean' }), [], { kind: 'boolean', value: false }, 'false'],
    [
      'an enum (its first value)',
      column('grade', varchar(64)),
      ['gold', 'silver'],
      { kind: 'string', value: 'gold' },
      '"gold"',
    ],
  ];
  it.each(required)(
    'adds a required column holding %s nullable, back-fills it, then makes it NOT NULL',
    (_what, added, values, value, label) => {
      const from = schema(items());
      const checks =
        values.length > 0 ? [{ name: constraintName('ck', 'items', added.name), column: added.name, values }] : [];
      const to = schema({ ...items(added), checks });
      const diff = diffSchemas(from, to);
      expect(outline(diff.steps).slice(0, 3)).toEqual([
        `batch items: add-column ${added.name} nullable=true`,
        `backfill items.${added.name}=${JSON.stringify(value)}`,
        expect.stringMatching(new RegExp(`^batch items: alter-column ${added.name} nullable=false`)),
      ]);
      expect(diff.warnings).toEqual([
        { destructive: false, message: `adds required column items.${added.name}: existing rows get ${label}` },
      ]);
    },
  );

  it('adds a required foreign key without a back-fill, warning that it fails while the table has rows', () => {
    const books = (nullable: boolean) => {
      const book = child('books', 'authors', 'author_id');
      return { ...book, columns: book.columns.map((c) => (c.name === 'author_id' ? { ...c, nullable } : c)) };
    };
    const authors = table('authors', [column('name', varchar(100))]);
    const bare = table('books', []);
    const fkName = constraintName('fk', 'books', 'author_id');
    const ixName = constraintName('ix', 'books', 'author_id');

    const added = diffSchemas(schema(authors, bare), schema(authors, books(false)));
    // No row of authors fits every book: a back-filled 0 would point at no row (and fail the foreign key).
    expect(outline(added.steps)).toEqual([
      `batch books: add-column author_id nullable=true; create-index ${ixName}`,
      `batch books: alter-column author_id nullable=false; create-fk ${fkName}`,
    ]);
    expect(added.warnings).toEqual([
      {
        destructive: false,
        message:
          'adds required column books.author_id referencing authors: fails while books has rows, as no authors row can be chosen for them; fill it in this revision before applying it to a database that holds data',
      },
    ]);

    const tightened = diffSchemas(schema(authors, books(true)), schema(authors, books(false)));
    expect(tightened.steps.some((step) => step.kind === 'backfill')).toBe(false);
    expect(tightened.warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/^makes books\.author_id \(referencing authors\) required: fails while rows have no value/),
    ]);
  });

  it('creates the index that takes over a foreign key before dropping the unique constraint it replaces, and back', () => {
    // A one-to-one relation becoming one-to-many: MySQL refuses to drop the only index its foreign key can use.
    const uqName = constraintName('uq', 'books', 'author_id');
    const ixName = constraintName('ix', 'books', 'author_id');
    const oneToMany = child('books', 'authors', 'author_id');
    const oneToOne = { ...oneToMany, uniques: [{ name: uqName, columns: ['author_id'] }], indexes: [] };
    const authors = table('authors', []);

    const up = diffSchemas(schema(authors, oneToOne), schema(authors, oneToMany));
    expect(outline(up.steps)).toEqual([`batch books: create-index ${ixName}; drop-unique ${uqName}`]);

    const down = diffSchemas(schema(authors, oneToMany), schema(authors, oneToOne));
    expect(outline(down.steps)).toEqual([`batch books: create-unique ${uqName}; drop-index ${ixName}`]);
  });

  it('drops the index of a dropped column before the column', () => {
    const withFk = child('books', 'authors', 'author_id');
    const authors = table('authors', []);
    const diff = diffSchemas(schema(authors, withFk), schema(authors, table('books', [])));
    expect(outline(diff.steps)).toEqual([
      `batch books: drop-fk ${constraintName('fk', 'books', 'author_id')}; drop-index ${constraintName('ix', 'books', 'author_id')}; drop-column author_id`,
    ]);
  });

  it('warns that dropping a column destroys its data', () => {
    const diff = diffSchemas(schema(items(column('note', { kind: 'text' }, true))), schema(items()));
    expect(outline(diff.steps)).toEqual(['batch items: drop-column note']);
    expect(diff.warnings).toEqual([{ destructive: true, message: 'drops column items.note and the data in it' }]);
  });

  it('reads a dropped and an added column of one type as a likely rename and says how to keep the data', () => {
    const diff = diffSchemas(
      schema(items(column('title', varchar(80), true))),
      schema(items(column('headline', varchar(80), true))),
    );
    const rename = diff.warnings.find((warning) => warning.message.includes('looks like a rename'));
    expect(rename?.destructive).toBe(true);
    expect(rename?.message).toContain('items.title → items.headline');
    expect(rename?.message).toContain('alter_column("title", new_column_name="headline")');
  });

  it('does not call a drop and an add of different types a rename', () => {
    const diff = diffSchemas(
      schema(items(column('title', varchar(80), true))),
      schema(items(column('pages', integer, true))),
    );
    expect(diff.warnings.some((warning) => warning.message.includes('rename'))).toBe(false);
  });

  it.each([
    ['widening a VARCHAR', varchar(80), varchar(200), false],
    ['a VARCHAR into TEXT', varchar(80), { kind: 'text' }, false],
    [
      'more digits and places',
      { kind: 'numeric', precision: 12, scale: 2 },
      { kind: 'numeric', precision: 14, scale: 3 },
      false,
    ],
    ['narrowing a VARCHAR', varchar(200), varchar(80), true],
    ['TEXT into a VARCHAR', { kind: 'text' }, varchar(80), true],
    [
      'fewer integer digits',
      { kind: 'numeric', precision: 12, scale: 2 },
      { kind: 'numeric', precision: 12, scale: 4 },
      true,
    ],
  ] as const)('changes the type in place; %s warns: %s', (_what, before, after, warns) => {
    const diff = diffSchemas(schema(items(column('title', before))), schema(items(column('title', after))));
    expect(outline(diff.steps)).toEqual(['batch items: alter-column title nullable=false']);
    expect(diff.summary).toEqual(['change items.title']);
    expect(diff.warnings.map((warning) => warning.message)).toEqual(
      warns ? [expect.stringMatching(/^changes items\.title from .+ to .+: fails \(or cuts values short\)/)] : [],
    );
  });

  it.each([
    ['adding a value', ['draft', 'published'], ['draft', 'published', 'archived'], false],
    ['reordering the values', ['draft', 'published'], ['published', 'draft'], false],
    ['removing a value', ['draft', 'published', 'archived'], ['draft', 'published'], true],
    ['replacing a value', ['draft', 'published'], ['draft', 'live'], true],
  ])('replaces the CHECK of an enum column; %s warns: %s', (_what, before, after, warns) => {
    const diff = diffSchemas(schema(enumTable(before)), schema(enumTable(after)));
    const name = constraintName('ck', 'items', 'status');
    expect(outline(diff.steps)).toEqual([`batch items: drop-check ${name}`, `batch items: create-check ${name}`]);
    expect(diff.warnings.map((warning) => warning.message)).toEqual(
      warns ? [`restricts items.status to ${after.join(', ')}: fails while existing rows hold another value`] : [],
    );
  });

  it('warns that a unique constraint on an existing column fails on repeated values, but not on a new column', () => {
    const unique = (columnName: string) => ({ name: constraintName('uq', 'items', columnName), columns: [columnName] });
    const existing = diffSchemas(schema(items()), schema({ ...items(), uniques: [unique('name')] }));
    expect(outline(existing.steps)).toEqual([`batch items: create-unique ${unique('name').name}`]);
    expect(existing.summary).toEqual(['update items']);
    expect(existing.warnings).toEqual([
      {
        destructive: false,
        message: `adds unique constraint ${unique('name').name} on items (name): fails while existing rows repeat a value`,
      },
    ]);

    const fresh = diffSchemas(
      schema(items()),
      schema({ ...items(column('sku', varchar(40), true)), uniques: [unique('sku')] }),
    );
    expect(fresh.warnings).toEqual([]);
  });

  it('adds a foreign key column to an existing table in the batch after the table it references is created', () => {
    const to = schema(table('authors', [column('name', varchar(100))]), {
      ...child('items', 'authors'),
      columns: [...items().columns, column('authors_id', integer, true)],
    });
    const diff = diffSchemas(schema(items()), to);
    expect(outline(diff.steps)).toEqual([
      'create authors fks=[]',
      `batch items: add-column authors_id nullable=true; create-index ${constraintName('ix', 'items', 'authors_id')}`,
      `batch items: create-fk ${constraintName('fk', 'items', 'authors_id')}`,
    ]);
  });
});
