import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../core/python.js';
import {
  type DatabaseServer,
  databaseServerAvailability,
  type ServerDatabase,
  startDatabaseServer,
} from './database-server.js';

const DRIVER: Record<ServerDatabase, string> = { postgresql: 'psycopg2', mysql: 'pymysql' };
const VERSION: Record<ServerDatabase, RegExp> = {
  postgresql: /^PostgreSQL \d+\.\d+$/,
  mysql: /^MariaDB \d+\.\d+\.\d+$/,
};
const CHARSET: Record<ServerDatabase, string> = {
  postgresql: 'SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()',
  mysql: "SELECT CONCAT(@@character_set_database, ' ', @@collation_database)",
};
const EXPECTED_CHARSET: Record<ServerDatabase, string> = { postgresql: 'UTF8', mysql: 'utf8mb4 utf8mb4_unicode_ci' };

// Writes `rows` rows into a table of each database, then reads back the count, a non-BMP string and the charset, so
// two databases on one server are shown to be separate.
const ROUND_TRIP = `
import json, sys
from sqlalchemy import create_engine, text

def round_trip(url, rows, charset_sql):
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(40) NOT NULL)"))
        for i in range(rows):
            db.execute(text("INSERT INTO notes (id, body) VALUES (:id, :body)"), {"id": i, "body": BODY})
    with engine.connect() as db:
        count = db.execute(text("SELECT COUNT(*) FROM notes")).scalar_one()
        body = db.execute(text("SELECT body FROM notes ORDER BY id")).scalars().first()
        charset = db.execute(text(charset_sql)).scalar_one()
    engine.dispose()
    return {"via": "sqlalchemy", "count": count, "body": body, "charset": charset}

BODY = "h\\u00e9llo \\U0001F600"
print(json.dumps([round_trip(url, rows, sys.argv[2]) for url, rows in json.loads(sys.argv[1])]))
`;

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** The newest /usr/lib/postgresql/<version>/bin, where Debian keeps initdb and psql together. */
function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return join('/usr/lib/postgresql', versions[0] ?? '', 'bin');
}

const started: DatabaseServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
});

async function start(kind: ServerDatabase): Promise<DatabaseServer | undefined> {
  const server = await startDatabaseServer(kind);
  if ('skipped' in server) {
    console.warn(`skipped: ${server.skipped}`);
    return undefined;
  }
  started.push(server);
  return server;
}

describe.each(['postgresql', 'mysql'] as const)('%s server', (kind) => {
  it('serves two databases to SQLAlchemy, then stops and leaves nothing behind', async () => {
    const python = await findPython({ require: ['sqlalchemy', DRIVER[kind]] });
    if (!python) {
      console.warn(`skipped: no python with sqlalchemy and ${DRIVER[kind]} found (set QLF_PYTHON)`);
      return;
    }
    const server = await start(kind);
    if (!server) return;
    expect(server.kind).toBe(kind);
    expect(server.version).toMatch(VERSION[kind]);
    const urls = [await server.createDatabase('orders'), await server.createDatabase('orders_2')];
    expect(urls[0]).toBe(
      kind === 'postgresql'
        ? `postgresql://qlf@127.0.0.1:${server.port}/orders`
        : `mysql+pymysql://root@127.0.0.1:${server.port}/orders?charset=utf8mb4`,
    );
    const pairs = JSON.stringify([
      [urls[0], 2],
      [urls[1], 5],
    ]);
    const result = await execa(python.path, ['-c', ROUND_TRIP, pairs, CHARSET[kind]], {
      reject: false,
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    const answers = JSON.parse(result.stdout) as { via: string }[];
    const via = 'sqlalchemy';
    const charset = EXPECTED_CHARSET[kind];
    expect(answers).toEqual([
      { via, count: 2, body: 'héllo 😀', charset },
      { via, count: 5, body: 'héllo 😀', charset },
    ]);

    await server.stop();
    await server.stop();
    expect(existsSync(server.dir)).toBe(false);
    expect(await portIsClosed(server.port)).toBe(true);
  });

  it('rejects bad and duplicate database names with a reason', async () => {
    const server = await start(kind);
    if (!server) return;
    for (const name of ['Orders', '1st', 'a-b', 'x'.repeat(64), 'a;drop', '']) {
      await expect(server.createDatabase(name)).rejects.toThrow(/not accepted/);
    }
    await server.createDatabase('once');
    await expect(server.createDatabase('once')).rejects.toThrow(/could not create database "once"/);
    await server.stop();
    await expect(server.createDatabase('later')).rejects.toThrow(/no longer running/);
  });

  it('runs two servers side by side on their own ports and folders', async () => {
    const [first, second] = await Promise.all([start(kind), start(kind)]);
    if (!first || !second) return;
    expect(first.port).not.toBe(second.port);
    expect(first.dir).not.toBe(second.dir);
    await first.createDatabase('same_name');
    await second.createDatabase('same_name');
    await Promise.all([first.stop(), second.stop()]);
  });

  it('fails with the server log when the server cannot start', async () => {
    const found = databaseServerAvailability(kind);
    if (!found.available) return;
    // The real set-up tools beside a server that refuses to start: initdb and mariadb-install-db find their own server.
    const bin = await mkdtemp(join(tmpdir(), 'qlf-broken-db-'));
    try {
      await chmod(bin, 0o755);
      const real = kind === 'postgresql' ? postgresBin() : '/usr/bin';
      const [server, ...tools] =
        kind === 'postgresql' ? ['postgres', 'initdb', 'psql'] : ['mariadbd', 'mariadb-install-db', 'mariadb'];
      for (const tool of tools) await symlink(join(real, tool), join(bin, tool));
      await writeFile(join(bin, server ?? ''), '#!/bin/sh\necho "refusing to start: simulated" >&2\nexit 3\n', {
        mode: 0o755,
      });
      const failed = startDatabaseServer(kind, { searchPath: [bin] });
      await expect(failed).rejects.toThrow(/exited while starting \(exit code 3\)[\s\S]*refusing to start: simulated/);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('says why it is unavailable when the binaries are not on the search path', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'qlf-no-db-'));
    try {
      const availability = databaseServerAvailability(kind, { searchPath: [empty] });
      expect(availability.available).toBe(false);
      const reason = availability.available ? '' : availability.reason;
      expect(reason).toMatch(kind === 'postgresql' ? /^postgresql not installed/ : /^mariadb-server not installed/);
      expect(reason).toContain(empty);
      expect(await startDatabaseServer(kind, { searchPath: [empty] })).toEqual({ skipped: reason });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
