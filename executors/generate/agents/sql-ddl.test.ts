import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../core/python.js';
import type { IR } from '../../../schemas/ir.js';
import { fastapiView } from '../lib/fastapi-view.js';
import { renderTemplate } from '../lib/render.js';
import { sampleIr } from '../lib/sample-ir.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../lib/throwaway-postgres.js';
import sqlDdl from './sql-ddl.js';

const ctx = { qlfVersion: '0.0.0-test' };

function migrations(ir: IR = sampleIr()): { postgresql: string; sqlite: string } {
  const files = new Map(sqlDdl.generate(ir, ctx).map((file) => [file.path, file.content]));
  return {
    postgresql: files.get('migrations/0001_initial.postgresql.sql') ?? '',
    sqlite: files.get('migrations/0001_initial.sqlite.sql') ?? '',
  };
}

/**
 * The awkward shapes: a self reference, a self many-to-many, a one-to-one, an optional foreign key, an encrypted unique
 * field (stored as ciphertext plus keyed hash) and an entity whose table clashes with the audit support table.
 */
function variantIr(): IR {
  const ir = sampleIr();
  const customer = ir.entities[0];
  const email = customer?.fields[0];
  if (email) email.handling = { encryptAtRest: true, responses: 'omit', logs: 'redact' };
  const entity = (name: string, table: string, fields: IR['entities'][number]['fields']) =>
    ir.entities.push({ name, table, resource: table.replaceAll('_', '-'), fields, origin: 'explicit', confidence: 1 });
  const text = (name: string) => ({
    name,
    type: 'text' as const,
    required: false,
    unique: false,
    origin: 'explicit' as const,
    confidence: 1,
  });
  entity('Node', 'nodes', [text('label')]);
  entity('Profile', 'profiles', [text('bio')]);
  entity('AuditEvent', 'audit_events', [text('note')]);
  const rel = (
    from: string,
    to: string,
    kind: 'one-to-many' | 'one-to-one' | 'many-to-many',
    required: boolean,
    extra = {},
  ) => ir.relationships.push({ from, to, kind, required, origin: 'explicit', confidence: 1, ...extra });
  rel('Node', 'Node', 'one-to-many', false, { foreignKey: 'parent_id' });
  rel('Node', 'Node', 'many-to-many', false, { joinTable: 'node_links' });
  rel('Customer', 'Profile', 'one-to-one', true);
  rel('Customer', 'Node', 'one-to-many', false);
  return ir;
}

/** An overlay entity serving as the audit log: the backend writes to it, so no separate audit table exists. */
function overlayAuditIr(): IR {
  const ir = sampleIr();
  const field = (name: string, type: 'string' | 'datetime') => ({
    name,
    type,
    required: true,
    unique: false,
    origin: 'overlay' as const,
    confidence: 1,
  });
  ir.entities.push({
    name: 'AccessLog',
    table: 'access_logs',
    resource: 'access-logs',
    fields: [
      field('actor', 'string'),
      field('action', 'string'),
      field('resource', 'string'),
      field('resource_id', 'string'),
      field('accessed_at', 'datetime'),
    ],
    origin: 'overlay',
    confidence: 1,
  });
  return ir;
}

const IRS: [string, () => IR][] = [
  ['sample', sampleIr],
  ['variant', variantIr],
  ['overlay-audit', overlayAuditIr],
];

/** Statements that must fail once the schema is in place, each for its own constraint. */
const VIOLATIONS: [string, string][] = [
  ['duplicate unique sku', `INSERT INTO products (sku, price, active) VALUES ('A-1', 1.50, TRUE)`],
  ['unknown customer (foreign key)', `INSERT INTO orders (total, status, customer_id) VALUES (1, 'paid', 999)`],
  ['enum value outside the CHECK', `INSERT INTO orders (total, status, customer_id) VALUES (1, 'lost', 1)`],
  ['missing NOT NULL column', `INSERT INTO customers (email) VALUES ('b@example.com')`],
  ['duplicate join row (composite primary key)', `INSERT INTO order_products (order_id, product_id) VALUES (1, 1)`],
];
const SEED = [
  `INSERT INTO customers (email, name) VALUES ('a@example.com', 'A')`,
  `INSERT INTO products (sku, price, active) VALUES ('A-1', 19.99, TRUE)`,
  `INSERT INTO orders (total, status, customer_id) VALUES (19.99, 'paid', 1)`,
  `INSERT INTO order_products (order_id, product_id) VALUES (1, 1)`,
];

describe('sql-ddl agent', () => {
  it('serves PostgreSQL and SQLite only', () => {
    const ir = sampleIr();
    expect(sqlDdl.score(ir)).toBeGreaterThan(0);
    ir.stack.database.value = 'mysql';
    expect(sqlDdl.score(ir)).toBe(0);
  });

  it('creates referenced tables first, join tables last, with named constraints and exact money', () => {
    const { postgresql } = migrations();
    const order = [...postgresql.matchAll(/CREATE TABLE "([a-z_]+)"/g)].map((match) => match[1]);
    expect(order).toEqual(['customers', 'orders', 'products', 'audit_events', 'idempotency_keys', 'order_products']);
    expect(postgresql).toContain('CONSTRAINT "uq_products_sku" UNIQUE ("sku")');
    expect(postgresql).toContain(
      'CONSTRAINT "fk_orders_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE',
    );
    expect(postgresql).toContain('CREATE INDEX "ix_orders_customer_id" ON "orders" ("customer_id");');
    expect(postgresql).toContain(`CHECK ("status" IN ('pending', 'paid', 'shipped'))`);
    expect(postgresql).toContain('"total" NUMERIC(18,2) NOT NULL');
    expect(postgresql).not.toMatch(/FLOAT|REAL|DOUBLE/);
    // The card number is stored only encrypted, with its last four digits beside it.
    expect(postgresql).toContain('"card_number_encrypted" TEXT');
    expect(postgresql).not.toMatch(/"card_number" /);
  });

  it('leaves out the support tables the IR does not ask for', () => {
    const ir = sampleIr();
    ir.controls.auditLog = false;
    ir.controls.idempotencyKeys = false;
    const { sqlite } = migrations(ir);
    expect(sqlite).not.toContain('audit_events');
    expect(sqlite).not.toContain('idempotency_keys');
  });

  it('is deterministic', () => {
    expect(migrations()).toEqual(migrations());
  });

  describe('applied to a real SQLite database', () => {
    it('creates the schema and enforces unique, foreign-key, check and not-null constraints', async () => {
      const python = await findPython({ require: ['sqlite3', 'json'] });
      if (!python) {
        console.warn('skipped: no python with sqlite3 found (set QLF_PYTHON)');
        return;
      }
      const dir = await mkdtemp(join(tmpdir(), 'qlf-sqlite-'));
      try {
        const file = join(dir, 'schema.sql');
        await writeFile(file, migrations().sqlite);
        const script = `
import json, sqlite3, sys
db = sqlite3.connect(":memory:", isolation_level=None)
db.execute("PRAGMA foreign_keys = ON")
db.executescript(open(sys.argv[1]).read())
for statement in json.loads(sys.argv[2]):
    db.execute(statement)
results = {}
for name, statement in json.loads(sys.argv[3]):
    try:
        db.execute(statement)
        results[name] = "accepted"
    except sqlite3.IntegrityError as error:
        results[name] = "rejected: " + str(error)
db.execute("DELETE FROM customers WHERE id = 1")
results["cascade"] = db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
print(json.dumps(results))
`;
        const result = await execa(
          python.path,
          ['-c', script, file, JSON.stringify(SEED), JSON.stringify(VIOLATIONS)],
          {
            timeout: 30_000,
          },
        );
        const results = JSON.parse(result.stdout) as Record<string, string | number>;
        for (const [name] of VIOLATIONS) expect(results[name], name).toMatch(/^rejected: /);
        expect(results.cascade).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  it.each(IRS)(
    'describes the same tables, columns, unique keys and foreign keys as the SQLAlchemy models (%s IR)',
    async (name, makeIr) => {
      const python = await findPython({ require: ['sqlalchemy', 'fastapi', 'sqlite3'] });
      if (!python) {
        console.warn('skipped: no python with sqlalchemy and fastapi found (set QLF_PYTHON)');
        return;
      }
      const ir = makeIr();
      const view = fastapiView(ir, ctx.qlfVersion);
      const dir = await mkdtemp(join(tmpdir(), 'qlf-models-'));
      try {
        await mkdir(join(dir, 'app'));
        await writeFile(join(dir, 'app', '__init__.py'), '');
        await writeFile(join(dir, 'app', 'db.py'), renderTemplate('fastapi/app/db.py', view));
        await writeFile(join(dir, 'app', 'models.py'), renderTemplate('fastapi/app/models.py', view));
        await writeFile(join(dir, 'schema.sql'), migrations(ir).sqlite);
        // Both databases are described the same way: per table, its columns and foreign keys, from SQLite's catalogue.
        const script = `
import json, sqlite3, sys
import sqlalchemy as sa
sys.path.insert(0, sys.argv[1])
from app.db import Base
import app.models  # noqa: F401

def describe(db):
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {
        table: {
            "columns": sorted([row[1], row[3], row[5]] for row in db.execute(f'PRAGMA table_info("{table}")')),
            "foreign_keys": sorted([row[2], row[3], row[4], row[6]] for row in db.execute(f'PRAGMA foreign_key_list("{table}")')),
            "unique": sorted(
                sorted(info[2] for info in db.execute(f'PRAGMA index_info("{index[1]}")'))
                for index in db.execute(f'PRAGMA index_list("{table}")')
                if index[2] and index[3] != "pk"
            ),
        }
        for table in tables
    }

engine = sa.create_engine("sqlite:///" + sys.argv[1] + "/models.db")
Base.metadata.create_all(engine)
engine.dispose()
migrated = sqlite3.connect(sys.argv[1] + "/migrated.db")
migrated.executescript(open(sys.argv[1] + "/schema.sql").read())
print(json.dumps({"models": describe(sqlite3.connect(sys.argv[1] + "/models.db")), "migration": describe(migrated)}))
`;
        const result = await execa(python.path, ['-c', script, dir], { timeout: 30_000 });
        const { models, migration } = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
        expect(Object.keys(migration ?? {})).toEqual(
          expect.arrayContaining(['customers', 'idempotency_keys', 'order_products', 'orders', 'products']),
        );
        // The overlay's audit entity replaces the built-in audit table.
        const builtInAudit = Object.keys(migration ?? {}).some((table) => table.endsWith('audit_events'));
        expect(builtInAudit).toBe(name !== 'overlay-audit');
        expect(migration?.idempotency_keys).toMatchObject({ unique: [['key', 'scope']] });
        expect(migration?.customers).toMatchObject({ unique: [[name === 'variant' ? 'email_hash' : 'email']] });
        expect(migration).toEqual(models);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  describe('applied to a real PostgreSQL server', () => {
    let server: ThrowawayPostgres | { skipped: string } = { skipped: 'not started' };
    beforeAll(async () => {
      server = await startThrowawayPostgres();
    }, 90_000);
    afterAll(async () => {
      if ('stop' in server) await server.stop();
    });

    it('creates the schema and enforces its constraints', async (test) => {
      if ('skipped' in server) {
        console.warn(`skipped: ${server.skipped}`);
        test.skip();
        return;
      }
      const dir = await mkdtemp(join(tmpdir(), 'qlf-pgsql-'));
      try {
        // The variant first, in its own schema, to prove the awkward shapes are valid PostgreSQL too.
        const variant = join(dir, 'variant.sql');
        await writeFile(
          variant,
          `CREATE SCHEMA variant; SET search_path TO variant;\n${migrations(variantIr()).postgresql}`,
        );
        const appliedVariant = await server.psql({ file: variant });
        expect(appliedVariant.stderr).toBe('');
        expect(appliedVariant.exitCode).toBe(0);
        const file = join(dir, 'schema.sql');
        await writeFile(file, migrations().postgresql);
        const applied = await server.psql({ file });
        expect(applied.stderr).toBe('');
        expect(applied.exitCode).toBe(0);
        for (const statement of SEED) expect((await server.psql({ command: statement })).exitCode, statement).toBe(0);
        for (const [name, statement] of VIOLATIONS) {
          const result = await server.psql({ command: statement });
          expect(result.exitCode, name).not.toBe(0);
          expect(result.stderr, name).toMatch(/violates/);
        }
        const money = await server.psql({ command: `SELECT total FROM orders WHERE id = 1` });
        expect(money.stdout).toContain('19.99');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
