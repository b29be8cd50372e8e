// Throwaway PostgreSQL and MariaDB servers for verifying generated services against the real thing: each runs in its
// own temp folder on a free loopback port, dies with the process that started it, and is deleted by stop().
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chown, readFile, realpath, rm } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { execa } from 'execa';
import { deathSignalLauncher, findSetpriv } from '../../../core/death-signal.js';
import { inputError, workError } from '../../../core/errors.js';
import { findExecutable, isExecutable, pathDirs } from '../../../core/executables.js';
import { ownedTempDir } from '../../../core/owned-temp.js';
import { freePort } from './app-server.js';
import { tail } from './process.js';

export type ServerDatabase = 'postgresql' | 'mysql';

export interface DatabaseServer {
  kind: ServerDatabase;
  /** Product and version as the server reports them, e.g. `PostgreSQL 15.18` or `MariaDB 10.11.19`. */
  version: string;
  /** The loopback TCP port the server listens on. */
  port: number;
  /** The temp folder holding the data, sockets and logs; gone after stop(). */
  dir: string;
  /**
   * Creates an empty database (UTF8 on PostgreSQL, utf8mb4 / utf8mb4_unicode_ci on MariaDB) and returns its SQLAlchemy
   * URL: `postgresql://qlf@127.0.0.1:<port>/<name>` (SQLAlchemy's default PostgreSQL driver; a generated service maps it to the one it ships) or `mysql+pymysql://root@127.0.0.1:<port>/<name>?charset=utf8mb4`.
   * Names must match /^[a-z][a-z0-9_]{0,62}$/.
   */
  createDatabase(name: string): Promise<string>;
  /** Ends the server (and its connections) and deletes its folder; safe to call twice, never throws. */
  stop(): Promise<void>;
}

export interface DatabaseServerOptions {
  /** How long the server may take to accept connections after its data folder exists. @default 30000 */
  timeoutMs?: number;
  /**
   * Folders searched for the database binaries, replacing the defaults.
   * @default /usr/lib/postgresql/<newest>/bin (PostgreSQL only), then PATH, then /usr/sbin, /usr/local/sbin, /sbin
   */
  searchPath?: readonly string[];
}

const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const DEFAULT_TIMEOUT_MS = 30_000;
const TOOL_TIMEOUT_MS = 60_000;
const PROBE_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 10_000;
/** A port picked by freePort() can be taken by someone else before the server binds it; retried this often. */
const PORT_ATTEMPTS = 3;
const SYSTEM_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

interface ToolResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
}

interface Located {
  binaries: { server: string; init: string; client: string };
  /** The system account the server runs as when we are root; PostgreSQL and MariaDB refuse to run as root. */
  user?: { uid: number; gid: number };
  /** Prefix for every server-side command: drops to `user`, and asks the kernel to kill it when we die. */
  launcher: string[];
}

/** How one kind of server is set up, started, asked and stopped. */
interface Flavour {
  label: string;
  dataDir: string;
  /** Files whose last lines explain a failed start. */
  logs: string[];
  /** Signal for a quick shutdown; the data is thrown away, so nothing needs to be flushed. */
  stopSignal: NodeJS.Signals;
  init(): Promise<ToolResult>;
  argv(port: number): string[];
  /** Asks the server over TCP which data folder it serves, so a server of someone else on the port is never taken for ours. */
  identify(port: number): Promise<{ dataDir: string; version: string } | { error: string }>;
  createDatabase(port: number, name: string): Promise<ToolResult>;
  url(port: number, name: string): string;
}

/** Whether the binaries exist (no process is started), with the reason when not. */
export function databaseServerAvailability(
  kind: ServerDatabase,
  options: Pick<DatabaseServerOptions, 'searchPath'> = {},
): { available: true } | { available: false; reason: string } {
  const located = locate(kind, options.searchPath);
  return 'reason' in located ? { available: false, reason: located.reason } : { available: true };
}

/** Starts a server, or says why it cannot (`{ skipped }`); throws with the server's log when it is installed but fails. */
export async function startDatabaseServer(
  kind: ServerDatabase,
  options: DatabaseServerOptions = {},
): Promise<DatabaseServer | { skipped: string }> {
  const located = locate(kind, options.searchPath);
  if ('reason' in located) return { skipped: located.reason };
  // realpath: the server reports its data folder resolved, and identify() compares against it.
  const dir = await realpath(await ownedTempDir(`db-${kind}`));
  try {
    if (located.user) await chown(dir, located.user.uid, located.user.gid);
    const flavour = (kind === 'postgresql' ? postgresFlavour : mariadbFlavour)(located, dir);
    const init = await flavour.init();
    if (init.exitCode !== 0) {
      throw workError(
        'E_DB_SERVER_INIT',
        `${flavour.label}: ${basename(located.binaries.init)} failed (exit ${init.exitCode}) in ${dir}:\n${tail(`${init.stdout}\n${init.stderr}`, 12)}`,
        {
          hint: 'Run the same command by hand to see the whole output; a full disk or a read-only temp folder are usual causes.',
        },
      );
    }
    return await launch(kind, flavour, dir, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
}

async function launch(kind: ServerDatabase, flavour: Flavour, dir: string, timeoutMs: number): Promise<DatabaseServer> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    for (const log of flavour.logs) rmSync(log, { force: true });
    const server = spawnDetached(flavour.argv(port), join(dir, 'server.out'));
    const ready = await waitUntilReady(flavour, server, port, deadline, timeoutMs);
    if ('version' in ready) return runningServer(kind, flavour, server, port, dir, ready.version);
    await terminate(server, flavour.stopSignal);
    const logTail = await readLogTail(flavour.logs);
    if (attempt < PORT_ATTEMPTS && Date.now() < deadline && /address already in use/i.test(logTail)) continue;
    throw workError('E_DB_SERVER_START', `${flavour.label} ${ready.why}. Last log lines:\n${logTail}`, {
      hint: 'The log lines above say why; on a busy machine pass a larger timeoutMs.',
    });
  }
}

function runningServer(
  kind: ServerDatabase,
  flavour: Flavour,
  server: Detached,
  port: number,
  dir: string,
  version: string,
): DatabaseServer {
  let stopping: Promise<void> | undefined;
  const forget = onProcessExit(() => {
    signalGroup(server, 'SIGKILL');
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // the server may still be writing; the folder is only litter in the temp dir
    }
  });
  return {
    kind,
    version,
    port,
    dir,
    async createDatabase(name) {
      if (!DATABASE_NAME.test(name)) {
        throw inputError('E_DB_NAME', `database name "${name}" is not accepted by createDatabase()`, {
          hint: 'Use 1 to 63 lowercase letters, digits and underscores, starting with a letter.',
        });
      }
      if (stopping || server.exited) {
        throw workError(
          'E_DB_SERVER_STOPPED',
          `${flavour.label} on port ${port} is no longer running; cannot create "${name}"`,
        );
      }
      const result = await flavour.createDatabase(port, name);
      if (result.exitCode !== 0) {
        throw workError(
          'E_DB_CREATE',
          `${flavour.label} could not create database "${name}": ${errorLines(result.stderr)}`,
          {
            hint: 'Each name can be created once per server; pick another name or start another server.',
          },
        );
      }
      return flavour.url(port, name);
    },
    stop() {
      stopping ??= (async () => {
        forget();
        await terminate(server, flavour.stopSignal).catch(() => {});
        await rm(dir, { recursive: true, force: true }).catch(() => {});
      })();
      return stopping;
    },
  };
}

async function waitUntilReady(
  flavour: Flavour,
  server: Detached,
  port: number,
  deadline: number,
  timeoutMs: number,
): Promise<{ version: string } | { why: string }> {
  let lastError = '';
  for (;;) {
    if (server.exited) return { why: `exited while starting (${server.exitReason})` };
    const answer = await flavour.identify(port);
    if ('version' in answer && answer.dataDir.replace(/\/+$/, '') === flavour.dataDir)
      return { version: answer.version };
    lastError = 'error' in answer ? answer.error : `port ${port} is answered by another server (${answer.dataDir})`;
    if (Date.now() >= deadline) {
      return { why: `did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms; last try: ${lastError}` };
    }
    await sleep(50);
  }
}

// --- PostgreSQL -----------------------------------------------------------------------------------------------------

function postgresFlavour({ binaries, launcher }: Located, dir: string): Flavour {
  const dataDir = join(dir, 'data');
  // psql over TCP proves what the Python driver will use; over the socket in `dir` nothing else can answer.
  const psql = (host: string, port: number, sql: string) => {
    const connection = ['-h', host, '-p', String(port), '-U', 'qlf', '-d', 'postgres'];
    return runTool([binaries.client, '-X', '-q', '-A', '-t', '-F', '\t', ...connection, '-c', sql], PROBE_TIMEOUT_MS, {
      PGCONNECT_TIMEOUT: '2',
    });
  };
  return {
    label: 'PostgreSQL',
    dataDir,
    logs: [join(dir, 'server.out')],
    // SIGQUIT is "immediate" shutdown; SIGTERM ("smart") would wait for the caller's idle connections to close.
    stopSignal: 'SIGQUIT',
    init: () => {
      const options = ['-A', 'trust', '-U', 'qlf', '-E', 'UTF8', '--locale=C', '--no-sync'];
      return runTool([...launcher, binaries.init, '-D', dataDir, ...options], TOOL_TIMEOUT_MS);
    },
    argv: (port) => [
      ...launcher,
      binaries.server,
      ...['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'],
      ...['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off', '-c', 'shared_buffers=32MB'],
    ],
    async identify(port) {
      const sql = "SELECT current_setting('data_directory'), current_setting('server_version')";
      const result = await psql('127.0.0.1', port, sql);
      const [dataDir = '', version = ''] = result.stdout.trim().split('\t');
      if (result.exitCode !== 0 || !version) return { error: tail(result.stderr, 2) || `psql exit ${result.exitCode}` };
      return { dataDir, version: `PostgreSQL ${version.split(' ')[0]}` };
    },
    createDatabase: (port, name) => psql(dir, port, `CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`),
    url: (port, name) => `postgresql://qlf@127.0.0.1:${port}/${name}`,
  };
}

// --- MariaDB --------------------------------------------------------------------------------------------------------

// Small and crash-unsafe on purpose: a throwaway server starts faster and nothing in it needs to survive a crash.
const MARIADB_TUNING = [
  '--skip-log-bin',
  '--skip-name-resolve',
  '--innodb-buffer-pool-size=32M',
  '--innodb-log-file-size=8M',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-doublewrite=0',
  '--innodb-fast-shutdown=3',
];

// Every server gets its own --tmpdir: bootstraps sharing /tmp at the same time failed ("Unknown table 'mysql.tmp_user_sys'",
// or a segfault) about once in 30 runs.
function mariadbFlavour({ binaries, launcher }: Located, dir: string): Flavour {
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const client = (target: string[], sql: string) =>
    runTool(
      [binaries.client, '--no-defaults', '-u', 'root', '-N', '-B', '--connect-timeout=2', ...target, '-e', sql],
      PROBE_TIMEOUT_MS,
    );
  return {
    label: 'MariaDB',
    dataDir,
    logs: [join(dir, 'error.log'), join(dir, 'server.out')],
    stopSignal: 'SIGTERM',
    // `normal` gives root@localhost and root@127.0.0.1 an empty password; the default (`socket`) would refuse TCP logins.
    init: () =>
      runTool(
        [
          ...launcher,
          binaries.init,
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--tmpdir=${dir}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          ...MARIADB_TUNING,
        ],
        TOOL_TIMEOUT_MS,
      ),
    // No --user: the launcher already runs it as `mysql`, and a setuid inside mariadbd would cancel the death signal.
    argv: (port) => [
      ...launcher,
      binaries.server,
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      `--tmpdir=${dir}`,
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      ...MARIADB_TUNING,
    ],
    async identify(port) {
      const tcp = ['--protocol=tcp', '-h', '127.0.0.1', '-P', String(port)];
      const result = await client(tcp, 'SELECT @@datadir, VERSION()');
      const [dataDir = '', version = ''] = result.stdout.trim().split('\t');
      if (result.exitCode !== 0 || !version)
        return { error: tail(result.stderr, 2) || `client exit ${result.exitCode}` };
      const product = /mariadb/i.test(version) ? 'MariaDB' : 'MySQL';
      return { dataDir, version: `${product} ${version.match(/^[\d.]+/)?.[0] ?? version}` };
    },
    createDatabase: (_port, name) =>
      client([`--socket=${socket}`], `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
    url: (port, name) => `mysql+pymysql://root@127.0.0.1:${port}/${name}?charset=utf8mb4`,
  };
}

// --- Finding the binaries and the account ---------------------------------------------------------------------------

function locate(kind: ServerDatabase, searchPath: readonly string[] | undefined): Located | { reason: string } {
  const binaries = kind === 'postgresql' ? postgresBinaries(searchPath) : mariadbBinaries(searchPath);
  if ('reason' in binaries) return binaries;
  if (process.getuid?.() !== 0) return { binaries, launcher: deathSignalLauncher() };
  const name = kind === 'postgresql' ? 'postgres' : 'mysql';
  const user = systemUser(name);
  if (!user)
    return { reason: `running as root and there is no \`${name}\` user to run the server as (it refuses root)` };
  if (!findSetpriv())
    return { reason: `running as root and setpriv (util-linux) is missing, so the server cannot run as \`${name}\`` };
  const launcher = deathSignalLauncher([`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups']);
  return { binaries, user, launcher };
}

function postgresBinaries(searchPath: readonly string[] | undefined): Located['binaries'] | { reason: string } {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => join(root, version, 'bin'))
    : [];
  // The three tools must come from one installation: Debian's /usr/bin/psql is a wrapper without initdb beside it.
  const dirs = searchPath ?? [...versions, ...pathDirs(), ...SYSTEM_DIRS];
  const bin = dirs.find((dir) => ['initdb', 'postgres', 'psql'].every((tool) => isExecutable(join(dir, tool))));
  if (!bin) {
    const where = searchPath ? searchPath.join(delimiter) : '/usr/lib/postgresql/*/bin or on PATH';
    return { reason: `postgresql not installed (no initdb, postgres and psql together in ${where})` };
  }
  return { server: join(bin, 'postgres'), init: join(bin, 'initdb'), client: join(bin, 'psql') };
}

function mariadbBinaries(searchPath: readonly string[] | undefined): Located['binaries'] | { reason: string } {
  const dirs = searchPath ?? [...pathDirs(), ...SYSTEM_DIRS];
  const where = searchPath ? searchPath.join(delimiter) : 'PATH or /usr/sbin';
  const server = findExecutable(['mariadbd', 'mysqld'], dirs);
  if (!server) return { reason: `mariadb-server not installed (no mariadbd on ${where})` };
  const init = findExecutable(['mariadb-install-db', 'mysql_install_db'], dirs);
  if (!init) return { reason: `mariadb-server incomplete (no mariadb-install-db on ${where})` };
  const client = findExecutable(['mariadb', 'mysql'], dirs);
  if (!client) return { reason: `mariadb-client not installed (no mariadb or mysql on ${where})` };
  return { server, init, client };
}

/** A system account from /etc/passwd, read directly so that checking availability starts no process. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // no /etc/passwd: no such account
  }
  return undefined;
}

// --- Processes ------------------------------------------------------------------------------------------------------

interface Detached {
  pid?: number;
  exited: boolean;
  exitReason: string;
  /** Resolves true once the process has ended, false after `ms`. */
  endedWithin(ms: number): Promise<boolean>;
}

/**
 * Starts the server in its own process group (so stop() reaches every process it forks) with its output in `outFile`,
 * and unref'd so a caller that forgets stop() can still exit; the launcher's death signal then ends the server.
 */
function spawnDetached(argv: string[], outFile: string): Detached {
  const out = openSync(outFile, 'w');
  let child: ChildProcess;
  try {
    const [file = '', ...args] = argv;
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' };
    child = spawn(file, args, { detached: true, stdio: ['ignore', out, out], env });
  } finally {
    closeSync(out);
  }
  child.unref();
  const state: Detached = {
    pid: child.pid,
    exited: false,
    exitReason: '',
    endedWithin: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        void ended.then(() => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
  };
  const ended = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      Object.assign(state, { exited: true, exitReason: signal ? `signal ${signal}` : `exit code ${code}` });
      resolve();
    });
    child.once('error', (error) => {
      Object.assign(state, { exited: true, exitReason: error.message });
      resolve();
    });
  });
  return state;
}

async function terminate(server: Detached, signal: NodeJS.Signals): Promise<void> {
  if (server.exited) return;
  signalGroup(server, signal);
  if (await server.endedWithin(STOP_GRACE_MS)) return;
  signalGroup(server, 'SIGKILL');
  await server.endedWithin(STOP_GRACE_MS);
}

function signalGroup(server: Detached, signal: NodeJS.Signals): void {
  if (server.exited || !server.pid) return;
  try {
    process.kill(-server.pid, signal);
  } catch {
    // already gone
  }
}

/** A command-line tool with a hard time limit and only PATH from our environment (no PGPASSWORD, MYSQL_PWD, ...). */
async function runTool(argv: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<ToolResult> {
  const [file = '', ...args] = argv;
  const result = await execa(file, args, {
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...env },
    stdin: 'ignore',
    timeout: timeoutMs,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** The client's error lines without the statement the MariaDB client echoes around them. */
function errorLines(stderr: string): string {
  const errors = stderr.split('\n').filter((line) => /error/i.test(line));
  return tail(errors.length > 0 ? errors.join('\n') : stderr, 3);
}

async function readLogTail(files: string[]): Promise<string> {
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
  return tail(texts.join('\n'), 15) || '(the server wrote no log)';
}

// Servers still running when this process exits normally are killed and deleted here; a crash is covered by the
// launcher's death signal instead (only the folder is then left behind in the temp dir).
const atExit = new Set<() => void>();
let atExitInstalled = false;

function onProcessExit(cleanup: () => void): () => void {
  if (!atExitInstalled) {
    atExitInstalled = true;
    process.once('exit', () => {
      for (const run of atExit) run();
    });
  }
  atExit.add(cleanup);
  return () => atExit.delete(cleanup);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
