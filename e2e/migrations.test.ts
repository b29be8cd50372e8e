// End to end, as a team with data in production works: v1 of a brief is generated and migrated on a real PostgreSQL,
// rows go in through the API; the brief changes (an optional field, a unique constraint, a new entity with a relation);
// `qlf run` writes a second revision beside the untouched first, and `alembic upgrade head` keeps every row while the
// new field and entity work through the API.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import { findPython } from '../core/python.js';
import { type DatabaseServer, startDatabaseServer } from '../executors/verify/lib/database-server.js';
import { runQlf } from './run-qlf.js';

const built = existsSync(packagePath('dist', 'cli', 'commands', 'run.js'));
if (!built) console.warn('skipped: migrations end to end (dist/ is missing: run `npm run build`)');
const strict = process.env.QLF_STRICT === '1';

const V1 = `apiVersion: qlf.dev/v1
kind: Brief
name: stock
description: Stock records for a warehouse.
stack:
  database: postgresql
api:
  auth: none
entities:
  - name: Item
    fields:
      - { name: sku, type: string }
      - { name: title, type: string }
      - { name: quantity, type: integer, min: 0 }
`;
const V2 = `apiVersion: qlf.dev/v1
kind: Brief
name: stock
description: Stock records for a warehouse.
stack:
  database: postgresql
api:
  auth: none
entities:
  - name: Supplier
    fields:
      - { name: company, type: string }
    relations:
      - { to: Item, kind: one-to-many }
  - name: Item
    fields:
      - { name: sku, type: string, unique: true }
      - { name: title, type: string }
      - { name: quantity, type: integer, min: 0 }
      - { name: note, type: text, required: false }
`;

// Runs in the service folder with DATABASE_URL set: migrates to head, then does what argv[1] says through the API.
const DRIVE = `
import json, sys
from alembic import command
from alembic.config import Config
config = Config("alembic.ini")
config.attributes["configure_logger"] = False
command.upgrade(config, "head")
from fastapi.testclient import TestClient
from app.main import create_app
client = TestClient(create_app())
out = {"ready": client.get("/ready").json()}
if sys.argv[1] == "v1":
    for sku, title, quantity in [("A-1", "bolts", 40), ("B-2", "nuts", 7)]:
        response = client.post("/api/v1/items", json={"sku": sku, "title": title, "quantity": quantity})
        assert response.status_code == 201, response.text
else:
    out["before"] = client.get("/api/v1/items").json()
    supplier = client.post("/api/v1/suppliers", json={"company": "Acme"})
    assert supplier.status_code == 201, supplier.text
    first = out["before"]["items"][0]["id"]
    patched = client.patch(f"/api/v1/items/{first}", json={"note": "recounted", "supplier_id": supplier.json()["id"]})
    assert patched.status_code == 200, patched.text
    duplicate = client.post("/api/v1/items", json={"sku": "A-1", "title": "again", "quantity": 1})
    out["duplicate"] = duplicate.status_code
    out["after"] = client.get(f"/api/v1/items/{first}").json()
print(json.dumps(out))
`;

describe.skipIf(!built)('migrations evolve with the brief and keep the data', () => {
  let root = '';
  let server: DatabaseServer | undefined;
  let python = '';
  const service = (path = '') => join(root, 'briefs', 'stock', 'service', path);
  const qlf = (args: string[]) => runQlf(root, args, { timeoutMs: 300_000, env: { QLF_STRICT: '' } });
  const drive = async (url: string, step: 'v1' | 'v2') => {
    const result = await execa(python, ['-c', DRIVE, step], {
      cwd: service(),
      env: { DATABASE_URL: url, PYTHONDONTWRITEBYTECODE: '1' },
      reject: false,
      timeout: 120_000,
    });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    return JSON.parse(String(result.stdout).trim().split('\n').at(-1) ?? '{}');
  };

  beforeAll(async () => {
    python = (await findPython({ require: ['fastapi', 'alembic', 'psycopg2', 'httpx'] }))?.path ?? '';
    const started = await startDatabaseServer('postgresql');
    if ('skipped' in started || !python) {
      const reason = 'skipped' in started ? started.skipped : 'no python with fastapi, alembic, psycopg2 and httpx';
      if (strict) throw new Error(`migrations end to end cannot run: ${reason}`);
      console.warn(`skipped: migrations end to end (${reason})`);
      return;
    }
    server = started;
    root = await mkdtemp(join(tmpdir(), 'qlf-migrations-'));
    await writeFile(join(root, 'qlf.config.json'), `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'] })}\n`);
    await mkdir(join(root, 'briefs', 'stock'), { recursive: true });
    await writeFile(join(root, 'briefs/stock/brief.qlf.yaml'), V1);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('writes one revision per change, never rewrites one, and upgrades with every row kept', {
    timeout: 600_000,
  }, async () => {
    if (!server) return;
    const first = qlf(['run', '--stage', 'verify']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(await readdir(service('migrations/versions'))).toEqual(['0001_initial.py']);
    const initial = await readFile(service('migrations/versions/0001_initial.py'), 'utf8');
    const url = await server.createDatabase('stock');
    const v1 = await drive(url, 'v1');
    expect(v1.ready).toEqual({ status: 'ready', database: 'ok' });

    await writeFile(join(root, 'briefs/stock/brief.qlf.yaml'), V2);
    const second = qlf(['run', '--stage', 'verify']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const revisions = await readdir(service('migrations/versions'));
    expect(revisions).toHaveLength(2);
    expect(revisions[0]).toBe('0001_initial.py');
    expect(await readFile(service('migrations/versions/0001_initial.py'), 'utf8')).toBe(initial);
    const next = await readFile(service(`migrations/versions/${revisions[1]}`), 'utf8');
    expect(next).toContain('down_revision = "0001"');
    expect(next).toContain('op.create_table(\n        "suppliers"');
    // The run says what a person must review: the unique constraint fails on rows that repeat a value.
    expect(second.stdout).toContain('adds unique constraint uq_items_sku');

    const v2 = await drive(url, 'v2');
    expect(v2.ready).toEqual({ status: 'ready', database: 'ok' });
    const kept = (v2.before.items as { sku: string; title: string; quantity: number; note: unknown }[]).map(
      ({ sku, title, quantity, note }) => ({ sku, title, quantity, note }),
    );
    expect(kept).toEqual([
      { sku: 'A-1', title: 'bolts', quantity: 40, note: null },
      { sku: 'B-2', title: 'nuts', quantity: 7, note: null },
    ]);
    expect(v2.after).toMatchObject({ sku: 'A-1', note: 'recounted' });
    expect(v2.after.supplier_id).toEqual(expect.any(Number));
    expect(v2.duplicate).toBe(409);

    // Nothing changed in the brief: no third revision.
    expect(qlf(['run', '--stage', 'generate']).code).toBe(0);
    expect(await readdir(service('migrations/versions'))).toHaveLength(2);
  });
});
