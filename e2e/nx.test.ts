// The qlf Nx plugin driven by the real `nx` CLI in a temporary workspace, as a user would run it.
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../bench/workspace.js';
import { packagePath } from '../core/package-info.js';
import { runQlf } from './run-qlf.js';

const run = promisify(execFile);
const built = existsSync(packagePath('dist', 'nx', 'plugin.js'));

const brief = (name: string, description: string, extra = '') =>
  `apiVersion: qlf.dev/v1\nkind: Brief\nname: ${name}\ndescription: ${description}\n${extra}`;

const BRIEFS = [
  { name: 'payments', text: brief('payments', 'A payments service that stores card payments and refunds them.') },
  {
    name: 'orders',
    text: brief('orders', 'An order service where customers place orders for products.', 'uses: [payments]\n'),
  },
  {
    name: 'crm',
    text: brief('crm', 'A CRM where sales staff track contacts and deals.', 'overlays: [team-audit]\n'),
  },
];

const title = built
  ? 'nx with the qlf plugin'
  : 'nx with the qlf plugin (skipped: no dist/nx/plugin.js; run `npm run build`)';

describe.skipIf(!built)(title, () => {
  let ws: Workspace;
  const nxEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' };
  const nx = async (...args: string[]) => nxWith({}, ...args);
  const nxWith = async (env: NodeJS.ProcessEnv, ...args: string[]) => {
    const { stdout, stderr } = await run(join(ws.root, 'node_modules', '.bin', 'nx'), args, {
      cwd: ws.root,
      timeout: 120_000,
      env: { ...process.env, ...nxEnv, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return `${stdout}\n${stderr}`;
  };

  const qlf = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = runQlf(ws.root, args, { env });
    return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
  };

  /** Whether Nx served `task` from its cache rather than running it, as its output line says. */
  const fromCache = (output: string, task: string) =>
    new RegExp(`nx run ${task}\\s+\\[(local cache|remote cache|existing outputs match the cache)`).test(output);
  let service: string;
  const serviceFile = (path: string) => readFileSync(join(service, path), 'utf8');

  beforeAll(async () => {
    ws = await createWorkspace({ briefs: BRIEFS, git: true });
    service = join(ws.root, 'briefs/payments/service');
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('infers one project per brief', async () => {
    const projects = (await nx('show', 'projects')).split('\n').map((line) => line.trim());
    expect(projects).toEqual(expect.arrayContaining(['payments', 'orders', 'crm']));
    const orders = JSON.parse(await nx('show', 'project', 'orders', '--json'));
    expect(Object.keys(orders.targets)).toEqual(['compile', 'generate', 'verify', 'build', 'package', 'deploy']);
    expect(orders.targets.package).toMatchObject({
      executor: 'qlf:package',
      cache: true,
      dependsOn: ['build', '^package'],
      outputs: ['{workspaceRoot}/dist/qlf/orders/package'],
    });
    expect(orders.targets.package.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/briefs/orders/brief.qlf.yaml',
        { dependentTasksOutputFiles: '**/source.json', transitive: true },
        { env: 'QLF_SIGNING_KEY' },
        { runtime: expect.stringMatching(/^node \S+\/bin\/qlf\.js keys fingerprint$/) },
      ]),
    );
    // generate writes the working copy (the user's source): never replayed, and its outputs are its own records.
    expect(orders.targets.generate).toMatchObject({
      executor: 'qlf:generate',
      cache: false,
      dependsOn: ['compile', '^generate'],
      outputs: [
        '{workspaceRoot}/dist/qlf/orders/generated',
        '{workspaceRoot}/dist/qlf/orders/generated.lock.json',
        '{workspaceRoot}/dist/qlf/orders/llm-usage.json',
        '{workspaceRoot}/dist/qlf/orders/source.json',
      ],
    });
    expect(orders.targets.build.cache).toBe(false);
    const crm = JSON.parse(await nx('show', 'project', 'crm', '--json'));
    // Precise inputs: the brief, the workspace overlay it names, the config, and qlf itself.
    expect(crm.targets.compile.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/briefs/crm/brief.qlf.yaml',
        '{workspaceRoot}/overlays/team-audit.yaml',
        '{workspaceRoot}/qlf.config.ts',
      ]),
    );
    const payments = JSON.parse(await nx('show', 'project', 'payments', '--json'));
    expect(payments.targets.compile.inputs).not.toContain('{workspaceRoot}/overlays/team-audit.yaml');
  });

  it('puts the stage chain and `uses` into the graph', async () => {
    await nx('graph', '--file=graph.json');
    const { graph } = JSON.parse(readFileSync(join(ws.root, 'graph.json'), 'utf8'));
    expect(graph.dependencies.orders).toEqual([{ source: 'orders', target: 'payments', type: 'implicit' }]);
    await nx('run-many', '-t', 'verify', '--graph=tasks.json');
    const { tasks } = JSON.parse(readFileSync(join(ws.root, 'tasks.json'), 'utf8'));
    expect(tasks.dependencies['payments:generate']).toEqual(['payments:compile']);
    expect(tasks.dependencies['payments:verify']).toEqual(['payments:generate']);
    expect([...tasks.dependencies['orders:generate']].sort()).toEqual(['orders:compile', 'payments:generate']);
  });

  it('runs compile, then replays it from the Nx cache', async () => {
    const first = await nx('run', 'payments:compile');
    expect(first).toContain('Successfully ran target compile for project payments');
    const ir = JSON.parse(readFileSync(join(ws.root, 'dist/qlf/payments/ir.json'), 'utf8'));
    expect(ir.name ?? ir.service?.name).toBe('payments');
    const second = await nx('run', 'payments:compile');
    expect(second).toMatch(/local cache|existing outputs match the cache/);
  });

  it('runs generate into the working copy beside the brief, and runs it again rather than replay it', async () => {
    const first = await nx('run', 'payments:generate');
    expect(first).toContain('Successfully ran target generate for project payments');
    expect(existsSync(join(service, 'app/main.py'))).toBe(true);
    expect(existsSync(join(service, 'qlf.lock.json'))).toBe(true);
    expect(existsSync(join(ws.root, 'dist/qlf/payments/source.json'))).toBe(true);
    expect(existsSync(join(ws.root, 'dist/qlf/payments/service'))).toBe(false);
    const second = await nx('run', 'payments:generate');
    expect(fromCache(second, 'payments:compile')).toBe(true);
    expect(fromCache(second, 'payments:generate')).toBe(false);
  });

  it('runs compile for every brief with run-many', async () => {
    const output = await nx('run-many', '-t', 'compile');
    expect(output).toContain('Successfully ran target compile for 3 projects');
    for (const name of ['payments', 'orders', 'crm']) {
      expect(existsSync(join(ws.root, `dist/qlf/${name}/ir.json`))).toBe(true);
    }
  });

  describe('the edit loop: hand edits in the working copy survive generate and ship in the capsule', () => {
    // About the Nx wiring, not strictness: no engine answers here (the build records a skipped image; the real engine
    // path is e2e/run.test.ts), and the capsule is signed with a key made by `qlf keys generate`.
    const signedWith = (key: string) => ({
      QLF_STRICT: '',
      DOCKER_HOST: `unix://${join(ws.root, 'no-engine.sock')}`,
      QLF_SIGNING_KEY: join(ws.root, key, 'qlf-signing.key'),
    });
    const capsule = () => join(ws.root, 'dist/qlf/payments/package/payments.qlcapsule');
    const HAND_EDIT = '# hand edit: the readiness probe stays as it is';
    /** Unpacks the capsule into `dist/<name>/` (ignored by git and Nx); returns a reader of its `source/` files. */
    const extract = async (name: string) => {
      const dir = join(ws.root, 'dist', name);
      const result = await qlf(['capsule', 'extract', capsule(), dir]);
      expect(result.code, result.output).toBe(0);
      return (path: string) => readFileSync(join(dir, 'source', path), 'utf8');
    };
    let first: Buffer;

    it('keeps an edited and an added file through two more generate runs', { timeout: 180_000 }, async () => {
      appendFileSync(join(service, 'app/routers/health.py'), `${HAND_EDIT}\n`);
      await ws.write('briefs/payments/service/app/extra.py', 'def extra() -> int:\n    return 1\n');
      for (let run = 0; run < 2; run += 1) {
        const output = await nx('run', 'payments:generate');
        expect(fromCache(output, 'payments:generate'), output).toBe(false);
        expect(output).toContain('working copy: kept your edits to 1 (app/routers/health.py)');
        expect(serviceFile('app/routers/health.py')).toContain(HAND_EDIT);
        expect(serviceFile('app/extra.py')).toContain('return 1');
      }
    });

    it('merges a brief change into the working copy and keeps the edits', { timeout: 120_000 }, async () => {
      const field = 'entities:\n  - name: Payment\n    fields:\n      - { name: merchant_reference, type: string }\n';
      await ws.write('briefs/payments/brief.qlf.yaml', `${BRIEFS[0]?.text}${field}`);
      const output = await nx('run', 'payments:generate');
      expect(fromCache(output, 'payments:compile')).toBe(false);
      expect(serviceFile('app/models.py')).toContain('merchant_reference');
      expect(serviceFile('app/routers/health.py')).toContain(HAND_EDIT);
      expect(serviceFile('app/extra.py')).toContain('return 1');
    });

    it('packages the edited working copy, byte-identical when Nx re-runs it and when `qlf run` makes it', {
      timeout: 300_000,
    }, async () => {
      expect((await qlf(['keys', 'generate', '--out', 'keys'])).code).toBe(0);
      const env = signedWith('keys');
      const output = await nxWith(env, 'run-many', '-t', 'package', '--projects=payments');
      expect(output).toContain('Successfully ran target package for project payments');
      first = readFileSync(capsule());
      const verified = await qlf(['capsule', 'verify', capsule(), '--key', 'keys/qlf-signing.pub']);
      expect(verified.code, verified.output).toBe(0);
      expect(verified.output).toMatch(/signature/);

      await nxWith(env, 'run', 'payments:package', '--skip-nx-cache');
      expect(Buffer.compare(readFileSync(capsule()), first)).toBe(0);
      const viaQlf = await qlf(['run', 'briefs/payments', '--no-cache'], env);
      expect(viaQlf.code, viaQlf.output).toBe(0);
      expect(Buffer.compare(readFileSync(capsule()), first)).toBe(0);

      const source = await extract('capsule-first');
      expect(source('app/extra.py')).toContain('return 1');
      expect(source('app/routers/health.py')).toContain(HAND_EDIT);
      expect(source('app/models.py')).toContain('merchant_reference');
    });

    it('serves package from the Nx cache until a file of the working copy changes', { timeout: 300_000 }, async () => {
      const env = signedWith('keys');
      const warm = await nxWith(env, 'run-many', '-t', 'package', '--projects=payments');
      expect(fromCache(warm, 'payments:generate')).toBe(false);
      expect(fromCache(warm, 'payments:package'), warm).toBe(true);
      expect(Buffer.compare(readFileSync(capsule()), first)).toBe(0);

      await ws.write('briefs/payments/service/app/extra.py', 'def extra() -> int:\n    return 2\n');
      const edited = await nxWith(env, 'run-many', '-t', 'package', '--projects=payments');
      expect(fromCache(edited, 'payments:verify'), edited).toBe(false);
      expect(fromCache(edited, 'payments:package'), edited).toBe(false);
      expect(Buffer.compare(readFileSync(capsule()), first)).not.toBe(0);
      expect((await extract('capsule-edited'))('app/extra.py')).toContain('return 2');
    });

    it('packages again when the signing key changes, by path or in place', { timeout: 300_000 }, async () => {
      expect((await qlf(['keys', 'generate', '--out', 'keys-2'])).code).toBe(0);
      const env = signedWith('keys-2');
      const other = await nxWith(env, 'run', 'payments:package');
      expect(fromCache(other, 'payments:package'), other).toBe(false);
      const byOther = await qlf(['capsule', 'verify', capsule(), '--key', 'keys-2/qlf-signing.pub']);
      expect(byOther.code, byOther.output).toBe(0);

      // Same QLF_SIGNING_KEY, new key at that path: only the key's fingerprint (a runtime input) tells them apart.
      expect((await qlf(['keys', 'generate', '--out', 'keys-2', '--force'])).code).toBe(0);
      const replaced = await nxWith(env, 'run', 'payments:package');
      expect(fromCache(replaced, 'payments:package'), replaced).toBe(false);
      const byReplaced = await qlf(['capsule', 'verify', capsule(), '--key', 'keys-2/qlf-signing.pub']);
      expect(byReplaced.code, byReplaced.output).toBe(0);
    });
  });

  it('runs only the edited brief with affected', async () => {
    // The working copies and brief edits made above are committed, as a user commits their source.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ws.root, stdio: 'ignore' });
    git('add', 'briefs');
    git('-c', 'user.email=e2e@qlf.invalid', '-c', 'user.name=e2e', 'commit', '-q', '-m', 'working copies');
    await ws.write('briefs/crm/brief.qlf.yaml', `${BRIEFS[2]?.text}# edited\n`);
    const output = await nx('affected', '-t', 'compile', '--base=HEAD');
    expect(output).toContain('Successfully ran target compile for project crm');
    expect(output).not.toMatch(/payments|orders/);
  });
});
