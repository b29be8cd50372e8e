// A brief evolving through three versions, regenerated into one working copy, and its revisions applied one by one to
// real SQLite, PostgreSQL and MariaDB databases holding rows: the data must survive and the models must match.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePython } from '../../../../core/python.js';
import { loadOverlayRegistry } from '../../../../overlays/index.js';
import { runCompile } from '../../../compile/compile.js';
import {
  type DatabaseServer,
  databaseServerAvailability,
  type ServerDatabase,
  startDatabaseServer,
} from '../../../verify/lib/database-server.js';
import { generateInto } from '../../fixtures/generate-into.js';
import type { MergeOutcome } from '../working-copy-merge.js';

const PYTHON = '/usr/bin/python3';
const MIGRATION_CHECK = fileURLToPath(new URL('../../../verify/python/migration_check.py', import.meta.url));
const strict = process.env.QLF_STRICT === '1';
const DATABASES = ['sqlite', 'postgresql', 'mysql'] as const;
type Database = (typeof DATABASES)[number];

const HEADER = `apiVersion: qlf.dev/v1
kind: Brief
name: library
description: |
  A small library catalogue.
stack:
  backend: fastapi
  database: mysql
entities:
`;

const V1 = `${HEADER}  - name: Author
    fields:
      - { name: name, type: string }
      - { name: email, type: email }
    relations:
      - { to: Book, kind: one-to-many }
  - name: Book
    fields:
      - { name: title, type: string, max: 120 }
      - { name: status, type: enum, values: [draft, published] }
      - { name: pages, type: integer, required: false }
`;

// An optional field (subtitle), a required one (format), a new entity pointing at an existing one (Publisher has
// many Books), a unique constraint on an existing field (email) and a wider enum (status).
const V2 = `${HEADER}  - name: Author
    fields:
      - { name: name, type: string }
      - { name: email, type: email, unique: true }
    relations:
      - { to: Book, kind: one-to-many }
  - name: Book
    fields:
      - { name: title, type: string, max: 120 }
      - { name: status, type: enum, values: [draft, published, archived] }
      - { name: pages, type: integer, required: false }
      - { name: subtitle, type: string, required: false }
      - { name: format, type: enum, values: [paperback, hardcover] }
  - name: Publisher
    fields:
      - { name: name, type: string }
    relations:
      - { to: Book, kind: one-to-many }
`;

// A dropped field (pages) and a dropped entity (Publisher, and with it books.publisher_id).
const V3 = `${HEADER}  - name: Author
    fields:
      - { name: name, type: string }
      - { name: email, type: email, unique: true }
    relations:
      - { to: Book, kind: one-to-many }
  - name: Book
    fields:
      - { name: title, type: string, max: 120 }
      - { name: status, type: enum, values: [draft, published, archived] }
      - { name: subtitle, type: string, required: false }
      - { name: format, type: enum, values: [paperback, hardcover] }
`;

// Runs SQL against DATABASE_URL through the service's own engine: `statements` in one transaction, each `probe`
// in its own rolled-back transaction (reporting whether the database accepted it), then `queries` (rows as objects)
// and the names of the indexes and unique constraints of the `indexes` tables.
// Every statement gets `:ts`, a fixed timestamp for the NOT NULL created_at / updated_at columns.
const SQL_SCRIPT = `
import datetime, json, os, sys
sys.path.insert(0, os.getcwd())
import sqlalchemy as sa
from app.db import database_url_from_env, make_engine

plan = json.loads(sys.argv[1])
ts = datetime.datetime(2024, 1, 2, 3, 4, 5)
engine = make_engine(database_url_from_env())  # the service's engine: foreign keys enforced on SQLite too
result = {"indexes": {}, "probes": {}, "queries": {}}
with engine.begin() as db:
    for sql, params in plan.get("statements", []):
        db.execute(sa.text(sql), {**params, "ts": ts})
for name, (sql, params) in plan.get("probes", {}).items():
    with engine.connect() as db:
        transaction = db.begin()
        try:
            db.execute(sa.text(sql), {**params, "ts": ts})
            result["probes"][name] = "accepted"
        except sa.exc.DBAPIError as error:
            result["probes"][name] = "refused: " + type(error.orig).__name__
        finally:
            transaction.rollback()
with engine.connect() as db:
    for name, sql in plan.get("queries", {}).items():
        result["queries"][name] = [dict(row._mapping) for row in db.execute(sa.text(sql))]
    inspector = sa.inspect(db)
    for table in plan.get("indexes", []):
        names = [index["name"] for index in inspector.get_indexes(table)]
        names += [unique["name"] for unique in inspector.get_unique_constraints(table)]
        result["indexes"][table] = sorted(set(names))
engine.dispose()
print(json.dumps(result, default=str, sort_keys=True))
`;

const AUTHOR = 'INSERT INTO authors (id, name, email, created_at, updated_at) VALUES (:id, :name, :email, :ts, :ts)';
const V1_ROWS: [string, Record<string, unknown>][] = [
  [AUTHOR, { id: 1, name: 'Ursula', email: 'ursula@example.com' }],
  [AUTHOR, { id: 2, name: 'Terry', email: 'terry@example.com' }],
  [
    'INSERT INTO books (id, title, status, pages, author_id, created_at, updated_at) VALUES (:id, :title, :status, :pages, :author_id, :ts, :ts)',
    { id: 1, title: 'A Wizard of Earthsea', status: 'published', pages: 183, author_id: 1 },
  ],
  [
    'INSERT INTO books (id, title, status, pages, author_id, created_at, updated_at) VALUES (:id, :title, :status, :pages, :author_id, :ts, :ts)',
    { id: 2, title: 'Mort', status: 'draft', pages: null, author_id: 2 },
  ],
];
const V2_ROWS: [string, Record<string, unknown>][] = [
  [
    'INSERT INTO publishers (id, name, created_at, updated_at) VALUES (:id, :name, :ts, :ts)',
    { id: 1, name: 'Gollancz' },
  ],
  [
    'INSERT INTO books (id, title, status, subtitle, format, author_id, publisher_id, created_at, updated_at) VALUES (:id, :title, :status, :subtitle, :format, :author_id, :publisher_id, :ts, :ts)',
    {
      id: 3,
      title: 'Guards! Guards!',
      status: 'published',
      subtitle: 'A Discworld Novel',
      format: 'hardcover',
      author_id: 2,
      publisher_id: 1,
    },
  ],
];
const V3_ROWS: [string, Record<string, unknown>][] = [
  [
    'INSERT INTO books (id, title, status, format, created_at, updated_at) VALUES (:id, :title, :status, :format, :ts, :ts)',
    { id: 4, title: 'Tehanu', status: 'draft', format: 'paperback' },
  ],
];
const BOOK_PROBE =
  'INSERT INTO books (id, title, status, format, created_at, updated_at) VALUES (:id, :title, :status, :format, :ts, :ts)';
// What the constraints built along the way must still accept and refuse after SQLite rebuilt the tables.
const PROBES = {
  widenedEnum: [BOOK_PROBE, { id: 90, title: 'Old', status: 'archived', format: 'paperback' }],
  unknownStatus: [BOOK_PROBE, { id: 91, title: 'Bad', status: 'lost', format: 'paperback' }],
  unknownFormat: [BOOK_PROBE, { id: 92, title: 'Bad', status: 'draft', format: 'scroll' }],
  repeatedEmail: [AUTHOR, { id: 93, name: 'Copy', email: 'ursula@example.com' }],
  missingAuthor: [
    'INSERT INTO books (id, title, status, format, author_id, created_at, updated_at) VALUES (:id, :title, :status, :format, :author_id, :ts, :ts)',
    { id: 94, title: 'Orphan', status: 'draft', format: 'paperback', author_id: 999 },
  ],
};

interface Step {
  outcome: MergeOutcome;
  /** File name → content of migrations/versions/ after this generation. */
  versions: Map<string, string>;
}

async function versionsOf(dir: string): Promise<Map<string, string>> {
  const folder = join(dir, 'migrations/versions');
  const names = (await readdir(folder)).filter((name) => name.endsWith('.py')).sort();
  return new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name), 'utf8')] as const)),
  );
}

// Why a database cannot be tested here, decided before any test runs; under QLF_STRICT=1 the test runs and fails.
const python = await probePython(PYTHON, ['sqlalchemy', 'alembic', 'fastapi', 'psycopg2', 'pymysql']);
const lacking = Object.entries(python?.modules ?? {}).flatMap(([name, ok]) => (ok ? [] : [name]));
const pythonReason = !python
  ? `${PYTHON} not found`
  : lacking.length > 0
    ? `${PYTHON} lacks ${lacking.join(', ')}`
    : '';
const serverReason = (kind: ServerDatabase): string => {
  const found = databaseServerAvailability(kind);
  return found.available ? '' : found.reason;
};
const skipReason: Record<Database, string> = {
  sqlite: pythonReason,
  postgresql: pythonReason || serverReason('postgresql'),
  mysql: pythonReason || serverReason('mysql'),
};
for (const database of DATABASES) {
  if (skipReason[database] && !strict) console.warn(`skipped: ${database} migrations (${skipReason[database]})`);
}

describe('a brief evolving through three versions', () => {
  let root = '';
  let service = '';
  const steps: Step[] = [];
  // Started while the service is generated; a server that fails to start fails only its own test.
  const servers = new Map<ServerDatabase, Promise<DatabaseServer | { skipped: string }>>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-evolution-'));
    service = join(root, 'service');
    const wanted = (['postgresql', 'mysql'] as const).filter((kind) => strict || !skipReason[kind]);
    for (const kind of wanted) {
      const server = startDatabaseServer(kind, { timeoutMs: 60_000 });
      server.catch(() => {}); // awaited (and reported) by the test of that database
      servers.set(kind, server);
    }
    const overlays = await loadOverlayRegistry([]);
    for (const [index, text] of [V1, V2, V3, V3].entries()) {
      const { ir } = await runCompile({
        source: { text, file: `library/brief.v${index + 1}.qlf.yaml` },
        overlays,
        autoApplyThreshold: 0.7,
      });
      const outcome = await generateInto(ir, service, join(root, 'base'));
      steps.push({ outcome, versions: await versionsOf(service) });
    }
  }, 120_000);

  afterAll(async () => {
    const started = await Promise.allSettled(servers.values());
    await Promise.all(
      started.map((result) =>
        result.status === 'fulfilled' && 'stop' in result.value ? result.value.stop() : undefined,
      ),
    );
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('adds exactly one revision per schema change and never touches an earlier one', () => {
    const names = steps.map((step) => [...step.versions.keys()]);
    expect(names).toEqual([
      ['0001_initial.py'],
      ['0001_initial.py', expect.stringMatching(/^0002_\w+\.py$/)],
      ['0001_initial.py', names[1]?.[1], expect.stringMatching(/^0003_\w+\.py$/)],
      names[2], // the same brief again: no revision
    ]);
    for (const [index, step] of steps.entries()) {
      const earlier = steps[index - 1];
      for (const [name, content] of earlier?.versions ?? []) expect(step.versions.get(name), name).toBe(content);
    }
    expect(steps.map((step) => step.outcome.revision?.path)).toEqual([
      'migrations/versions/0001_initial.py',
      `migrations/versions/${names[1]?.[1]}`,
      `migrations/versions/${names[2]?.[2]}`,
      undefined,
    ]);

    const warnings = steps.map((step) => (step.outcome.revision?.warnings ?? []).map((warning) => warning.message));
    expect(warnings[0]).toEqual([]);
    expect(warnings[1]).toEqual(
      expect.arrayContaining([
        'adds required column books.format: existing rows get "paperback"',
        'adds unique constraint uq_authors_email on authors (email): fails while existing rows repeat a value',
      ]),
    );
    expect(warnings[1]?.some((message) => message.startsWith('restricts'))).toBe(false); // the enum only widened
    expect(steps[2]?.outcome.revision?.warnings).toEqual(
      expect.arrayContaining([
        { destructive: true, message: 'drops column books.pages and the data in it' },
        { destructive: true, message: 'drops table publishers and every row in it' },
      ]),
    );
  });

  describe.each(DATABASES)('on %s', (database) => {
    it.skipIf(skipReason[database] !== '' && !strict)(
      'upgrades revision by revision with rows in between, keeps them, and matches the models',
      async () => {
        expect(skipReason[database], `QLF_STRICT=1 needs ${database}`).toBe('');
        const url = await databaseUrl(database);
        const env = { DATABASE_URL: url };
        const run = (args: string[]) =>
          execa(PYTHON, args, { cwd: service, env, reject: false, timeout: 60_000, stdin: 'ignore' });
        const sql = async (plan: object) => {
          const result = await run(['-c', SQL_SCRIPT, JSON.stringify(plan)]);
          expect(result.exitCode, result.stderr).toBe(0);
          return JSON.parse(result.stdout) as {
            indexes: Record<string, string[]>;
            probes: Record<string, string>;
            queries: Record<string, unknown[]>;
          };
        };
        const revisions = [...(steps[2]?.versions.keys() ?? [])].map((name) => name.slice(0, 4));
        expect(revisions).toEqual(['0001', '0002', '0003']);

        for (const [index, rows] of [V1_ROWS, V2_ROWS, V3_ROWS].entries()) {
          const upgrade = await run(['-m', 'alembic', 'upgrade', revisions[index] ?? '']);
          expect(upgrade.exitCode, upgrade.stderr).toBe(0);
          await sql({ statements: rows });
        }

        const after = await sql({
          indexes: ['authors', 'books'],
          probes: PROBES,
          queries: {
            authors: 'SELECT id, name, email FROM authors ORDER BY id',
            books: 'SELECT id, title, status, subtitle, format, author_id FROM books ORDER BY id',
            version: 'SELECT version_num FROM alembic_version',
          },
        });
        expect(after.queries.version).toEqual([{ version_num: '0003' }]);
        expect(after.queries.authors).toEqual([
          { id: 1, name: 'Ursula', email: 'ursula@example.com' },
          { id: 2, name: 'Terry', email: 'terry@example.com' },
        ]);
        const book = (id: number, title: string, status: string, format: string, author: number | null) => ({
          id,
          title,
          status,
          subtitle: id === 3 ? 'A Discworld Novel' : null,
          format,
          author_id: author,
        });
        expect(after.queries.books).toEqual([
          // v1 rows: their values kept, the required v2 column back-filled with the enum's first value
          book(1, 'A Wizard of Earthsea', 'published', 'paperback', 1),
          book(2, 'Mort', 'draft', 'paperback', 2),
          book(3, 'Guards! Guards!', 'published', 'hardcover', 2),
          book(4, 'Tehanu', 'draft', 'paperback', null),
        ]);
        // SQLite rebuilt books three times: its index and the unique constraint added to authors are still there.
        expect(after.indexes.books).toEqual(expect.arrayContaining(['ix_books_author_id']));
        expect(after.indexes.books).not.toContain('ix_books_publisher_id');
        expect(after.indexes.authors).toEqual(expect.arrayContaining(['uq_authors_email']));
        expect(after.probes).toEqual({
          widenedEnum: 'accepted',
          unknownStatus: expect.stringMatching(/^refused: /),
          unknownFormat: expect.stringMatching(/^refused: /),
          repeatedEmail: expect.stringMatching(/^refused: /),
          missingAuthor: expect.stringMatching(/^refused: /),
        });

        const check = await run([MIGRATION_CHECK]);
        const report = JSON.parse(check.stdout || '{}') as {
          steps: { step: string; ok: boolean; error?: string }[];
          drift: string[];
        };
        expect(report.drift).toEqual([]);
        expect(report.steps.filter((step) => !step.ok)).toEqual([]);
        expect(report.steps.map((step) => step.step)).toEqual([
          'upgrade head',
          'models match the migrated schema',
          'downgrade base',
          'downgrade base leaves no tables',
          'upgrade head again',
        ]);
        expect(check.exitCode, check.stderr).toBe(0);
      },
      120_000,
    );
  });

  async function databaseUrl(database: Database): Promise<string> {
    if (database === 'sqlite') return `sqlite:///${join(root, 'evolution.db')}`;
    const server = await servers.get(database);
    if (!server) throw new Error(`no ${database} server was started`);
    if ('skipped' in server) throw new Error(`QLF_STRICT=1 and ${database} is unavailable: ${server.skipped}`);
    return server.createDatabase('evolution');
  }
});
