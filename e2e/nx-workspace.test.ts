// What a user does: a fresh Nx workspace as create-nx-workspace makes it, qlf installed from its packed tarball (real
// files, not a link to this checkout), `nx g qlf:init`, `nx g qlf:brief`, `nx show projects`, `nx run-many -t package`,
// `nx affected`, and bad briefs each reported in their file while the good projects stay.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath, packageRoot } from '../core/package-info.js';

const exec = promisify(execFile);
const built = existsSync(packagePath('dist', 'nx', 'plugin.js'));
const NX_VERSION = (createRequire(import.meta.url)('nx/package.json') as { version: string }).version;

/** nx.json and .gitignore as `create-nx-workspace --preset=npm --nxCloud=skip` writes them. */
const NX_JSON = {
  $schema: './node_modules/nx/schemas/nx-schema.json',
  namedInputs: { default: ['{projectRoot}/**/*', 'sharedGlobals'], production: ['default'], sharedGlobals: [] },
};
const GITIGNORE = `# compiled output
dist
tmp
out-tsc

# dependencies
node_modules

# System Files
.DS_Store
Thumbs.db

.nx/cache
.nx/workspace-data
`;

interface Ran {
  code: number;
  output: string;
}

describe.skipIf(!built)('qlf in a fresh Nx workspace, installed from its tarball', () => {
  let root: string;
  let packDir: string;
  const timings: Record<string, number> = {};
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const base: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
    delete base.NO_COLOR;
    return { ...base, CI: 'true', FORCE_COLOR: '0', ...extra };
  };
  /** Runs a command in the workspace; never throws, so a test can assert on a failure's output. */
  const sh = async (file: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Ran> => {
    const started = Date.now();
    try {
      const { stdout, stderr } = await exec(file, args, {
        cwd: root,
        env: env(extra),
        timeout: 150_000,
        maxBuffer: 32 * 1024 * 1024,
      });
      return { code: 0, output: `${stdout}\n${stderr}` };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout}\n${failed.stderr}` };
    } finally {
      const key = [file.split('/').pop(), args[0]].join(' ');
      timings[key] = (timings[key] ?? 0) + Date.now() - started;
    }
  };
  const nx = (args: string[], extra?: NodeJS.ProcessEnv) => sh(join(root, 'node_modules', '.bin', 'nx'), args, extra);
  const git = (...args: string[]) => sh('git', ['-c', 'user.email=e2e@qlf.invalid', '-c', 'user.name=e2e', ...args]);
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const write = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const installed = () => join(root, 'node_modules', 'qlf');

  beforeAll(async () => {
    root = realpathSync(await mkdtemp(join(tmpdir(), 'qlf-nx-ws-')));
    packDir = await mkdtemp(join(tmpdir(), 'qlf-pack-'));
    // The build is already there (`npm run build`): pack what `files` ships, without running `prepare` again.
    const packed = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
      cwd: packageRoot(),
      maxBuffer: 32 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    await write(
      'package.json',
      `${JSON.stringify({ name: 'acme', version: '0.0.0', private: true, devDependencies: { nx: NX_VERSION } }, null, 2)}\n`,
    );
    await write('nx.json', `${JSON.stringify(NX_JSON, null, 2)}\n`);
    await write('.gitignore', GITIGNORE);
    await git('init', '-q', '-b', 'main');
    // From the local npm cache when it has the packages (the registry only for what it lacks).
    const install = await sh('npm', [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      join(packDir, filename),
    ]);
    expect(install.code, install.output).toBe(0);
    await git('add', '-A');
    await git('commit', '-q', '-m', 'empty workspace');
  }, 240_000);

  afterAll(async () => {
    // The budget is the whole file; these show where it goes.
    process.stdout.write(`nx-workspace timings (ms): ${JSON.stringify(timings)}\n`);
    await rm(root, { recursive: true, force: true });
    await rm(packDir, { recursive: true, force: true });
  });

  it('installs the package itself, shipping what qlf reads at run time and no tests, maps or fixtures', () => {
    expect(lstatSync(installed()).isSymbolicLink()).toBe(false);
    expect(relative(packageRoot(), realpathSync(installed())).startsWith('..')).toBe(true);
    const files = readdirSync(installed(), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(installed(), join(entry.parentPath, entry.name)).split(sep).join('/'));
    expect(
      files.filter((file) => /\.map$|\.test\.|(^|\/)(fixtures|testing|test-support)\/|^dist\/bench\//.test(file)),
    ).toEqual([]);
    // Every `packagePath('literal', ...)` the shipped code reads must be in the package (sources-only paths aside).
    const reads = new Set<string>();
    for (const file of files.filter((path) => path.startsWith('dist/') && path.endsWith('.js'))) {
      for (const [, args = ''] of readFileSync(join(installed(), file), 'utf8').matchAll(/packagePath\(([^)]*)\)/g)) {
        const parts = args.split(',').map((part) => /^\s*'([^']*)'\s*$/.exec(part)?.[1]);
        if (parts.every((part) => part !== undefined) && !parts.join('/').endsWith('.ts')) reads.add(parts.join('/'));
      }
    }
    const missing = [...reads].filter((path) => !existsSync(join(installed(), path)));
    // Test helpers that read fixtures and the UI's bundling script run only in a checkout.
    expect(missing.filter((path) => !/(^|\/)fixtures\/|^ui\/app$/.test(path))).toEqual([]);
    expect([...reads]).toEqual(
      expect.arrayContaining(['overlays/catalog', 'executors/generate/templates', 'llm/prompts/templates']),
    );
  });

  it('qlf:init writes the config, keeps qlf and signing keys out of git, and registers the plugin', async () => {
    // Running it twice changes nothing: generators/init/init.test.ts.
    const init = await nx(['g', 'qlf:init', '--no-interactive']);
    expect(init.code, init.output).toBe(0);
    expect(read('qlf.config.ts')).toContain("import { defineConfig } from 'qlf';");
    expect(read('.gitignore')).toMatch(/\n\.qlf\/\n\.keys\/\nqlf-signing\.key\n$/);
    expect(JSON.parse(read('nx.json')).plugins).toEqual(['qlf/plugin']);
    // One verify database keeps this test short; the user edits the config init wrote.
    await write(
      'qlf.config.ts',
      read('qlf.config.ts').replace('overlays: {', "verify: { databases: ['sqlite'] },\n  overlays: {"),
    );
  }, 60_000);

  it('qlf:brief makes projects, and refuses an overlay that does not exist', async () => {
    const payments = await nx([
      'g',
      'qlf:brief',
      'payments',
      '--description=A payments service that records payments.',
      '--no-interactive',
    ]);
    expect(payments.code, payments.output).toBe(0);
    const orders = await nx([
      'g',
      'qlf:brief',
      'orders',
      '--uses=payments',
      '--description=An orders service that records orders.',
      '--no-interactive',
    ]);
    expect(orders.code, orders.output).toBe(0);
    expect(read('briefs/orders/brief.qlf.yaml')).toContain('uses: [payments]');
    const typo = await nx(['g', 'qlf:brief', 'cards', '--overlays=pcii', '--no-interactive']);
    expect(typo.code).not.toBe(0);
    expect(typo.output).toContain('E_OVERLAY_UNKNOWN: unknown overlay "pcii". Did you mean `pci`?');
    expect(typo.output).toMatch(/fix: Use one of: built-in ecommerce, fintech, gdpr, healthcare, hipaa, pci/);
    expect(existsSync(join(root, 'briefs/cards'))).toBe(false);

    const projects = await nx(['show', 'projects']);
    expect(
      projects.output
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /^[a-z]+$/.test(line))
        .sort(),
    ).toEqual(['orders', 'payments']);
  }, 90_000);

  it('hashes qlf by its own lockfile entry and lists only files that exist', async () => {
    const shown = await nx(['show', 'project', 'orders', '--json']);
    const orders = JSON.parse(shown.output.slice(shown.output.indexOf('{'), shown.output.lastIndexOf('}') + 1));
    const inputs = Object.values(orders.targets as Record<string, { inputs: unknown[] }>).flatMap((t) => t.inputs);
    expect(inputs.filter((input) => typeof input === 'object' && input && 'externalDependencies' in input)).toEqual([]);
    const files = inputs.filter((input): input is string => typeof input === 'string' && !input.startsWith('!'));
    for (const file of new Set(files)) expect(existsSync(file.replace('{workspaceRoot}', root)), file).toBe(true);
    expect(orders.targets.verify.parallelism).toBe(false);
    const identity = await sh('node', ['node_modules/qlf/dist/nx/qlf-identity.js']);
    const lock = JSON.parse(read('package-lock.json')).packages['node_modules/qlf'];
    expect(identity.output.trim()).toBe(`qlf ${lock.version} ${lock.integrity}`);
  }, 60_000);

  it('packages both services with run-many, and git never stages the signing key', async () => {
    const keys = await sh(join(root, 'node_modules', '.bin', 'qlf'), ['keys', 'generate', '--out', '.keys']);
    expect(keys.code, keys.output).toBe(0);
    // No container engine answers here: build records a skipped image (the engine path is e2e/run.test.ts).
    const run = await nx(['run-many', '-t', 'package'], {
      QLF_STRICT: '',
      DOCKER_HOST: `unix://${join(root, 'no-engine.sock')}`,
      QLF_SIGNING_KEY: '.keys/qlf-signing.key',
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Successfully ran target package for 2 projects');
    for (const name of ['payments', 'orders']) {
      expect(existsSync(join(root, `dist/qlf/${name}/package/${name}.qlcapsule`))).toBe(true);
      expect(existsSync(join(root, `briefs/${name}/service/app/main.py`))).toBe(true);
    }
    await git('add', '-A');
    const staged = (await git('diff', '--cached', '--name-only')).output.split('\n');
    expect(staged).toEqual(expect.arrayContaining(['qlf.config.ts', 'briefs/orders/service/qlf.lock.json']));
    expect(staged.filter((file) => /qlf-signing\.key|^\.qlf\/|^dist\//.test(file))).toEqual([]);
    await git('commit', '-q', '-m', 'services');
  }, 150_000);

  it('runs only the edited brief with affected', async () => {
    await write('briefs/orders/brief.qlf.yaml', `${read('briefs/orders/brief.qlf.yaml')}# edited\n`);
    const affected = await nx(['affected', '-t', 'compile', '--base=HEAD']);
    expect(affected.code, affected.output).toBe(0);
    expect(affected.output).toContain('Successfully ran target compile for project orders');
    // payments is no affected project; its compile, which orders' depends on, comes from the cache.
    expect(affected.output).toMatch(/nx run payments:compile\s+\[local cache\]/);
    expect(affected.output).toMatch(/nx run orders:compile\n/);
  }, 60_000);

  it('reports each bad brief in its file with the fix, and keeps the good projects', async () => {
    const bad = (name: string, extra = '') =>
      `apiVersion: qlf.dev/v1\nkind: Brief\nname: ${name}\ndescription: Stores card payments.\n${extra}`;
    await write('briefs/payments-copy/brief.qlf.yaml', bad('payments'));
    await write('briefs/typo/brief.qlf.yaml', bad('typo', 'uses:\n  - paymnets\n'));
    await write('briefs/evil/brief.qlf.yaml', bad('../../evil'));
    // `nx graph` shows the partial graph when a plugin reports errors; other commands stop with the same messages.
    const graph = await nx(['graph', '--file=graph.json']);
    expect(graph.output).toContain(
      'briefs/payments-copy/brief.qlf.yaml:3:7: E_BRIEF_DUPLICATE two briefs are named "payments": briefs/payments/brief.qlf.yaml and briefs/payments-copy/brief.qlf.yaml',
    );
    expect(graph.output).toContain('briefs/typo/brief.qlf.yaml:6:5: E_GRAPH_UNKNOWN_USES brief "typo" uses "paymnets"');
    expect(graph.output).toContain(
      'briefs/evil/brief.qlf.yaml:3:7: E_BRIEF_NAME name "../../evil" is not a DNS-1123 label',
    );
    expect(graph.output).not.toMatch(/ at \S+ \(/);
    expect(graph.output.match(/ {2}fix: /g)?.length).toBeGreaterThanOrEqual(3);
    expect(graph.output).not.toMatch(/multiple locations|non-existent project/);
    const nodes = JSON.parse(read('graph.json')).graph.nodes as Record<string, unknown>;
    expect(Object.keys(nodes).sort()).toEqual(['orders', 'payments', 'typo']);
  }, 60_000);
});
