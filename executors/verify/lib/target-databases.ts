// The databases a verify run tests against, and a fresh empty database of each kind for every per-database runner:
// PostgreSQL and MySQL on throwaway servers started on loopback (once per verify run, stopped at its end), SQLite in a
// temp file. A server that cannot start here is a reason to skip, which strict mode turns into a failure.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedTempDir } from '../../../core/owned-temp.js';
import type { SqlDatabase } from '../../../schemas/common.js';
import type { IR } from '../../../schemas/ir.js';
import { type DatabaseServer, startDatabaseServer } from './database-server.js';

/** The configured databases, else the brief's own then SQLite (the quick local run), without repeats. */
export function targetDatabases(ir: IR, configured?: readonly SqlDatabase[]): SqlDatabase[] {
  const wanted = configured ?? [ir.stack.database.value as SqlDatabase, 'sqlite'];
  return [...new Set(wanted)];
}

export class TargetDatabases {
  private readonly servers = new Map<SqlDatabase, Promise<DatabaseServer | { skipped: string }>>();
  private scratch: Promise<string> | undefined;
  private created = 0;

  /** An empty database of `kind` and its URL, or why there is none (`mariadb-server not installed`). */
  async fresh(kind: SqlDatabase, purpose: string): Promise<{ url: string } | { skipped: string }> {
    const name = `${purpose.replace(/[^a-z0-9]+/g, '_')}_${++this.created}`;
    if (kind === 'sqlite') {
      this.scratch ??= ownedTempDir('verify-sqlite');
      return { url: `sqlite:///${join(await this.scratch, `${name}.db`)}` };
    }
    let server = this.servers.get(kind);
    if (!server) {
      server = startDatabaseServer(kind).catch((error: Error) => ({
        skipped: `the ${kind} server did not start: ${error.message.split('\n')[0]}`,
      }));
      this.servers.set(kind, server);
    }
    const started = await server;
    if ('skipped' in started) return started;
    return { url: await started.createDatabase(name) };
  }

  /** Stops every server and removes every file this run made. */
  async close(): Promise<void> {
    const servers = await Promise.all(this.servers.values());
    await Promise.all(servers.map((server) => ('stop' in server ? server.stop() : undefined)));
    if (this.scratch) await rm(await this.scratch, { recursive: true, force: true });
  }
}
