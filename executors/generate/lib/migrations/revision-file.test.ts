// The Alembic revision module as text: stable bytes, file names, the revision chain, and Python that compiles.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { MigrationSchema, SchemaColumn } from '../../../../schemas/migration-schema.js';
import { column, fk, integer, table, varchar } from '../../fixtures/migration-schemas.js';
import { renderRevision } from './revision-file.js';
import { constraintName } from './schema-table.js';

const PYTHON = '/usr/bin/python3';
const strict = process.env.QLF_STRICT === '1';
const noPython = existsSync(PYTHON) ? '' : `${PYTHON} not found`;
if (noPython && !strict) console.warn(`skipped: ${noPython}`);

const items = (...columns: SchemaColumn[]) => table('items', [column('name', varchar(100)), ...columns]);
const v1: MigrationSchema = { tables: [items()] };
const v2: MigrationSchema = { tables: [items(column('note', { kind: 'text' }, true))] };

describe('renderRevision', () => {
  it('renders byte-identical modules for equal input, and nothing for equal schemas', () => {
    const input = { brief: 'shop', id: '0002', downRevision: '0001', from: v1, to: v2 };
    const first = renderRevision(input);
    const again = renderRevision(structuredClone(input));
    expect(first?.content).toBeTruthy();
    expect(again).toEqual(first);
    expect(renderRevision({ ...input, to: structuredClone(v1) })).toBeUndefined();
  });

  it('names the first revision initial with no down revision, and the next after its first change', () => {
    const initial = renderRevision({ brief: 'shop', id: '0001', from: { tables: [] }, to: v1 });
    expect(initial?.path).toBe('migrations/versions/0001_initial.py');
    expect(initial?.message).toBe('initial schema');
    expect(initial?.content).toContain('\nrevision = "0001"\ndown_revision = None\n');
    expect(initial?.content).toContain('Revises: \n');

    const next = renderRevision({ brief: 'shop', id: '0002', downRevision: '0001', from: v1, to: v2 });
    expect(next?.path).toBe('migrations/versions/0002_add_items_note.py');
    expect(next?.message).toBe('add items.note');
    expect(next?.content).toContain('\nrevision = "0002"\ndown_revision = "0001"\n');
    expect(next?.content).toContain('Revises: 0001\n');
    expect(next?.content).toContain('batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))');
    expect(next?.content).toMatch(/def downgrade\(\) -> None:\n(?:.*\n)*\s+batch_op\.drop_column\("note"\)\n$/);
  });

  it('gives a batch the whole table as it stands, indexes included, for SQLite to rebuild it from', () => {
    const indexed = (...columns: SchemaColumn[]): MigrationSchema => ({
      tables: [{ ...items(...columns), indexes: [{ name: 'ix_items_name', columns: ['name'] }] }],
    });
    const file = renderRevision({
      brief: 'shop',
      id: '0002',
      downRevision: '0001',
      from: indexed(),
      to: indexed(column('note', { kind: 'text' }, true)),
    });
    const copies = file?.content.match(/copy_from=sa\.Table\([\s\S]*?\n {4}\) as batch_op:/g) ?? [];
    expect(copies).toHaveLength(2); // upgrade and downgrade
    for (const copy of copies) expect(copy).toContain('sa.Index("ix_items_name", "name"),');
  });

  it('adds _and_more to the slug of a revision with several changes', () => {
    const to: MigrationSchema = {
      tables: [items(column('note', { kind: 'text' }, true), column('pages', integer, true))],
    };
    const file = renderRevision({ brief: 'shop', id: '0003', downRevision: '0002', from: v1, to });
    expect(file?.path).toBe('migrations/versions/0003_add_items_note_and_more.py');
  });

  it.skipIf(noPython !== '' && !strict)(
    'writes a module Python compiles, for a diff using every kind of step and awkward enum values',
    async () => {
      expect(noPython, 'QLF_STRICT=1 needs /usr/bin/python3').toBe('');
      const awkward = ['plain', 'it\'s "quoted"', 'back\\slash \\x \\N', 'triple """ quotes', 'naïve ✓'];
      const from: MigrationSchema = {
        tables: [
          table(
            'items',
            [
              column('name', varchar(100)),
              column('title', varchar(80), true),
              column('status', varchar(64)),
              column('price', { kind: 'numeric', precision: 12, scale: 2 }),
            ],
            {
              checks: [{ name: constraintName('ck', 'items', 'status'), column: 'status', values: awkward }],
            },
          ),
          table('legacy', [column('payload', { kind: 'json' }, true)]),
        ],
      };
      const to: MigrationSchema = {
        tables: [
          table('alphas', [column('betas_id', integer, true)], {
            foreignKeys: [fk('alphas', 'betas_id', 'betas', 'CASCADE')],
          }),
          table('betas', [column('alphas_id', integer, true)], {
            foreignKeys: [fk('betas', 'alphas_id', 'alphas', 'CASCADE')],
            indexes: [{ name: constraintName('ix', 'betas', 'alphas_id'), columns: ['alphas_id'] }],
          }),
          table(
            'items',
            [
              column('name', { kind: 'text' }),
              column('headline', varchar(80), true),
              column('status', varchar(64)),
              column('price', { kind: 'numeric', precision: 10, scale: 4 }, true),
              column('released_on', { kind: 'date' }),
              column('seen_at', { kind: 'datetime' }),
              column('grade', varchar(64)),
              column('active', { kind: 'boolean' }),
              column('alphas_id', integer, true),
            ],
            {
              foreignKeys: [fk('items', 'alphas_id', 'alphas', 'CASCADE')],
              uniques: [{ name: constraintName('uq', 'items', 'headline'), columns: ['headline'] }],
              indexes: [{ name: constraintName('ix', 'items', 'alphas_id'), columns: ['alphas_id'] }],
              checks: [
                { name: constraintName('ck', 'items', 'status'), column: 'status', values: awkward.slice(1) },
                { name: constraintName('ck', 'items', 'grade'), column: 'grade', values: awkward.slice(1) },
              ],
            },
          ),
        ],
      };
      const file = renderRevision({ brief: 'shop', id: '0007', downRevision: 'abc123', from, to });
      expect(file).toBeDefined();
      const content = file?.content ?? '';
      // Every kind of step is there, both ways.
      for (const fragment of [
        'op.create_table(',
        'op.drop_table("legacy")',
        'op.create_index(',
        'rows.update()',
        'batch_op.create_foreign_key(',
        'batch_op.drop_constraint(',
        'postgresql_using=',
        'import datetime',
        'UTC_DATETIME = ',
      ]) {
        expect(content).toContain(fragment);
      }
      expect(file?.warnings.some((warning) => warning.destructive)).toBe(true);

      const dir = await mkdtemp(join(tmpdir(), 'qlf-revision-'));
      try {
        const path = join(dir, 'revision.py');
        await writeFile(path, content);
        const compiled = await execa(PYTHON, ['-W', 'error', '-m', 'py_compile', path], { reject: false });
        expect(compiled.stderr).toBe('');
        expect(compiled.exitCode).toBe(0);
        // The module's names are what Alembic reads.
        const read = await execa(
          PYTHON,
          [
            '-c',
            'import ast, json, sys; tree = ast.parse(open(sys.argv[1]).read()); print(json.dumps({"doc": ast.get_docstring(tree), "names": {t.targets[0].id: ast.literal_eval(t.value) for t in tree.body if isinstance(t, ast.Assign) and isinstance(t.targets[0], ast.Name) and t.targets[0].id in ("revision", "down_revision")}}))',
            path,
          ],
          { reject: false },
        );
        expect(read.stderr).toBe('');
        const parsed = JSON.parse(read.stdout) as { doc: string; names: Record<string, string> };
        expect(parsed.names).toEqual({ revision: '0007', down_revision: 'abc123' });
        // The review notes keep enum values as written.
        expect(parsed.doc).toContain(`restricts items.status to ${awkward.slice(1).join(', ')}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
