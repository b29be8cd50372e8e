// A throwaway PostgreSQL cluster for tests: initdb in a temp folder, started on a free loopback port, stopped and
// deleted afterwards. PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const STEP_TIMEOUT_MS = 30_000;

export interface ThrowawayPostgres {
  port: number;
  /** Runs SQL (a file path or `-c` text) with `ON_ERROR_STOP`; resolves to the exit code and stderr. */
  psql(args: { file: string } | { command: string }): Promise<{ exitCode: number; stderr: string; stdout: string }>;
  stop(): Promise<void>;
}

/** The folder holding `initdb`, `pg_ctl` and `psql`, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((version) => existsSync(join(root, version, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function systemUserIds(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const result = await execa('id', ['-u', name], { reject: false });
  const groups = await execa('id', ['-g', name], { reject: false });
  if (result.exitCode !== 0 || groups.exitCode !== 0) return undefined;
  return { uid: Number(result.stdout.trim()), gid: Number(groups.stdout.trim()) };
}

/** Starts a cluster, or returns the reason it cannot (`postgresql not installed`, no non-root user, ...). */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | { skipped: string }> {
  const bin = postgresBinDir();
  if (!bin) return { skipped: 'postgresql not installed (no /usr/lib/postgresql/*/bin/pg_ctl)' };
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await systemUserIds('postgres') : undefined;
  if (asRoot && !owner) return { skipped: 'running as root and there is no `postgres` user to run the server as' };
  const dir = await mkdtemp(join(tmpdir(), 'qlf-pg-'));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execa('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], {
          reject: false,
          timeout: STEP_TIMEOUT_MS,
        })
      : execa(join(bin, tool), args, { reject: false, timeout: STEP_TIMEOUT_MS });
  const data = join(dir, 'data');
  const init = await run('initdb', ['-D', data, '-A', 'trust', '-U', 'qlf', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (init.exitCode !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr}`);
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = await run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-o',
    options,
    '-w',
    '-t',
    '30',
    'start',
  ]);
  const stop = async () => {
    await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    await rm(dir, { recursive: true, force: true });
  };
  if (start.exitCode !== 0) {
    await stop();
    throw new Error(`pg_ctl start failed: ${start.stderr}`);
  }
  return {
    port,
    stop,
    async psql(args) {
      const input = 'file' in args ? ['-f', args.file] : ['-c', args.command];
      const result = await execa(
        join(bin, 'psql'),
        [
          '-X',
          '-q',
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'qlf',
          '-d',
          'postgres',
          '-v',
          'ON_ERROR_STOP=1',
          ...input,
        ],
        { reject: false, timeout: STEP_TIMEOUT_MS, env: { PGCONNECT_TIMEOUT: '10' } },
      );
      return { exitCode: result.exitCode ?? 1, stderr: String(result.stderr), stdout: String(result.stdout) };
    },
  };
}
