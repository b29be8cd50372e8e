// Which revision a generation adds to a working copy's migrations/versions/, in temp folders: the chain as the team
// left it (their own revisions, a deleted one, two heads) and a run that stopped before it recorded its revision.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../core/canonical-json.js';
import { QlfError } from '../../../../core/errors.js';
import {
  type ColumnType,
  type MigrationSchema,
  type MigrationState,
  migrationStateSchema,
  type SchemaColumn,
} from '../../../../schemas/migration-schema.js';
import { type PlannedRevision, planRevision } from './plan-revision.js';
import { constraintName } from './schema-table.js';

const integer: ColumnType = { kind: 'integer' };

function items(...columns: SchemaColumn[]): MigrationSchema {
  return {
    tables: [
      {
        name: 'items',
        columns: [
          { name: 'id', type: integer, nullable: false, autoincrement: true },
          { name: 'name', type: { kind: 'string', length: 100 }, nullable: false },
          ...columns,
        ],
        primaryKey: { name: constraintName('pk', 'items', 'id'), columns: ['id'] },
        foreignKeys: [],
        uniques: [],
        indexes: [],
        checks: [],
      },
    ],
  };
}

const v1 = items();
const v2 = items({ name: 'note', type: { kind: 'text' }, nullable: true });
const v3 = items(
  { name: 'note', type: { kind: 'text' }, nullable: true },
  { name: 'pages', type: integer, nullable: true },
);

/** A revision as `alembic revision -m "..."` writes it, trimmed to what Alembic reads. */
function userRevision(id: string, down: string): string {
  return `"""${id} by hand\n\nRevision ID: ${id}\nRevises: ${down}\n"""\nfrom alembic import op\n\nrevision = "${id}"\ndown_revision = "${down}"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    op.execute("SELECT 1")\n\n\ndef downgrade() -> None:\n    pass\n`;
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-plan-revision-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(path: string, content: string): Promise<void> {
  await mkdir(join(dir, 'migrations/versions'), { recursive: true });
  await writeFile(join(dir, path), content);
}

/** Plans, then writes the revision as the merge does; returns what it planned. */
async function generate(previous: MigrationState | undefined, schema: MigrationSchema): Promise<PlannedRevision> {
  const planned = await planRevision(dir, 'shop', previous, schema);
  if (planned.file) await write(planned.file.path, planned.file.content);
  return planned;
}

/** The state as the next run reads it back from qlf.lock.json (sorted keys, parsed by the lock's schema). */
function throughLock(state: MigrationState): MigrationState {
  return migrationStateSchema.parse(JSON.parse(canonicalJson(state)));
}

async function versions(): Promise<string[]> {
  return (await readdir(join(dir, 'migrations/versions'))).sort();
}

async function rejection(promise: Promise<unknown>): Promise<QlfError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(QlfError);
  return error as QlfError;
}

describe('planRevision', () => {
  it('writes the initial revision, then nothing while the schema stays the same', async () => {
    const first = await generate(undefined, v1);
    expect(first.file?.path).toBe('migrations/versions/0001_initial.py');
    expect(first.state).toEqual({ schema: v1, revisions: [{ id: '0001', path: first.file?.path }] });

    const recorded = throughLock(first.state);
    const again = await generate(recorded, structuredClone(v1));
    expect(again.file).toBeUndefined();
    expect(again.state).toEqual(recorded);
    expect(await versions()).toEqual(['0001_initial.py']);
  });

  it('follows a revision the team wrote, numbering its own after the highest of its ids', async () => {
    const first = await generate(undefined, v1);
    await write('migrations/versions/abc123_backfill_names.py', userRevision('abc123', '0001'));

    const next = await generate(throughLock(first.state), v2);
    expect(next.file?.id).toBe('0002');
    expect(next.file?.path).toBe('migrations/versions/0002_add_items_note.py');
    expect(next.file?.content).toContain('\nrevision = "0002"\ndown_revision = "abc123"\n');
    expect(next.state.revisions.map((revision) => revision.id)).toEqual(['0001', '0002']);
    expect(next.state.schema).toEqual(v2);
  });

  it('refuses a chain with two heads and says how to merge them', async () => {
    const first = await generate(undefined, v1);
    await write('migrations/versions/aaa111_mine.py', userRevision('aaa111', '0001'));
    await write('migrations/versions/bbb222_theirs.py', userRevision('bbb222', '0001'));

    const error = await rejection(planRevision(dir, 'shop', throughLock(first.state), v2));
    expect(error.code).toBe('E_MIGRATION_HEADS');
    expect(error.message).toContain('2 heads');
    expect(error.message).toContain('migrations/versions/aaa111_mine.py');
    expect(error.message).toContain('migrations/versions/bbb222_theirs.py');
    expect(error.hint).toContain('alembic merge heads');
    expect(await versions()).toEqual(['0001_initial.py', 'aaa111_mine.py', 'bbb222_theirs.py']);
  });

  it('refuses to go on when a revision the lock records was deleted', async () => {
    const first = await generate(undefined, v1);
    const second = await generate(throughLock(first.state), v2);
    await rm(join(dir, second.file?.path ?? ''));

    const error = await rejection(planRevision(dir, 'shop', throughLock(second.state), v3));
    expect(error.code).toBe('E_MIGRATION_MISSING');
    expect(error.message).toContain(join(dir, 'migrations/versions/0002_add_items_note.py'));
    expect(error.hint).toContain('Restore the revision');
  });

  it('refuses revisions the lock knows nothing about', async () => {
    await write('migrations/versions/0001_initial.py', userRevision('0001', 'none'));
    await write('migrations/versions/0002_more.py', userRevision('0002', '0001'));

    const error = await rejection(planRevision(dir, 'shop', undefined, v1));
    expect(error.code).toBe('E_MIGRATION_UNTRACKED');
    expect(error.message).toContain('migrations/versions/0001_initial.py');
    expect(error.hint).toContain('qlf.lock.json');
  });

  it('adopts the revision a stopped run wrote but did not record, instead of writing a second one', async () => {
    const first = await generate(undefined, v1);
    const recorded = throughLock(first.state);
    const written = await generate(recorded, v2); // the lock was never updated with written.state

    const rerun = await generate(recorded, v2);
    expect(rerun.file).toBeUndefined();
    expect(rerun.state).toEqual(written.state);
    expect(await versions()).toEqual(['0001_initial.py', '0002_add_items_note.py']);

    // The next change follows it.
    const third = await generate(throughLock(rerun.state), v3);
    expect(third.file?.path).toBe('migrations/versions/0003_add_items_pages.py');
    expect(third.file?.content).toContain('down_revision = "0002"');
  });

  it('adopts the initial revision of a first run that stopped before it wrote the lock', async () => {
    const written = await generate(undefined, v1); // no lock at all afterwards

    const rerun = await generate(undefined, v1);
    expect(rerun.file).toBeUndefined();
    expect(rerun.state).toEqual(written.state);
    expect(await versions()).toEqual(['0001_initial.py']);
  });

  it('writes a new revision when the unrecorded head differs from what this run would write', async () => {
    const first = await generate(undefined, v1);
    const recorded = throughLock(first.state);
    await generate(recorded, v2);
    // The brief changed again before the rerun: the stopped run's revision is kept and followed, never rewritten.
    const rerun = await generate(recorded, v3);
    expect(rerun.file?.id).toBe('0003');
    expect(rerun.file?.content).toContain('down_revision = "0002"');
    expect(await versions()).toEqual(['0001_initial.py', '0002_add_items_note.py', '0003_add_items_note_and_more.py']);
  });
});
