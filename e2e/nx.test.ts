// The qlf Nx plugin driven by the real `nx` CLI in a temporary workspace, as a user would run it.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../bench/workspace.js';
import { packagePath } from '../core/package-info.js';
import { runQlf } from './run-qlf.js';

const run = promisify(execFile);
const built = existsSync(packagePath('dist', 'plugin.js'));

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
  : 'nx with the qlf plugin (skipped: no dist/plugin.js; run `npm run build`)';

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

  beforeAll(async () => {
    ws = await createWorkspace({ briefs: BRIEFS, git: true });
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('infers one project per brief', async () => {
    const projects = (await nx('show', 'projects')).split('\n').map((line) => line.trim());
    expect(projects).toEqual(expect.arrayContaining(['payments', 'orders', 'crm']));
    const orders = JSON.parse(await nx('show', 'project', 'orders', '--json'));
    expect(Object.keys(orders.targets)).toEqual(['compile', 'generate', 'verify', 'build', 'package']);
    expect(orders.targets.package).toMatchObject({
      executor: 'qlf:package',
      cache: true,
      dependsOn: ['build', '^package'],
      outputs: ['{workspaceRoot}/dist/qlf/orders/package'],
    });
    expect(orders.targets.generate).toMatchObject({
      executor: 'qlf:generate',
      cache: true,
      dependsOn: ['compile', '^generate'],
      outputs: ['{workspaceRoot}/dist/qlf/orders/service'],
    });
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

  it('runs generate, then replays it from the Nx cache', async () => {
    const first = await nx('run', 'payments:generate');
    expect(first).toContain('Successfully ran target generate for project payments');
    expect(existsSync(join(ws.root, 'dist/qlf/payments/service'))).toBe(true);
    const second = await nx('run', 'payments:generate');
    expect(second).toMatch(/\[local cache\]|existing outputs match the cache/);
  });

  it('runs compile for every brief with run-many', async () => {
    const output = await nx('run-many', '-t', 'compile');
    expect(output).toContain('Successfully ran target compile for 3 projects');
    for (const name of ['payments', 'orders', 'crm']) {
      expect(existsSync(join(ws.root, `dist/qlf/${name}/ir.json`))).toBe(true);
    }
  });

  it('packages a capsule that qlf verifies, byte-identical when Nx re-runs it and when `qlf run` makes it', {
    timeout: 300_000,
  }, async () => {
    expect((await qlf(['keys', 'generate', '--out', 'keys'])).code).toBe(0);
    // About the Nx wiring, not strictness: no engine answers here (the build records a skipped image; the real engine
    // path is e2e/run.test.ts), and the capsule is signed with the key made above.
    const env = {
      QLF_STRICT: '',
      DOCKER_HOST: `unix://${join(ws.root, 'no-engine.sock')}`,
      QLF_SIGNING_KEY: join(ws.root, 'keys/qlf-signing.key'),
    };
    const capsule = join(ws.root, 'dist/qlf/payments/package/payments.qlcapsule');
    const output = await nxWith(env, 'run', 'payments:package');
    expect(output).toContain('Successfully ran target package for project payments');
    const first = readFileSync(capsule);
    const verified = await qlf(['capsule', 'verify', capsule, '--key', 'keys/qlf-signing.pub']);
    expect(verified.code, verified.output).toBe(0);
    expect(verified.output).toMatch(/signature/);

    await nxWith(env, 'run', 'payments:package', '--skip-nx-cache');
    expect(Buffer.compare(readFileSync(capsule), first)).toBe(0);
    const viaQlf = await qlf(['run', 'briefs/payments', '--no-cache'], env);
    expect(viaQlf.code, viaQlf.output).toBe(0);
    expect(Buffer.compare(readFileSync(capsule), first)).toBe(0);
  });

  it('runs only the edited brief with affected', async () => {
    await ws.write('briefs/crm/brief.qlf.yaml', `${BRIEFS[2]?.text}# edited\n`);
    const output = await nx('affected', '-t', 'compile', '--base=HEAD');
    expect(output).toContain('Successfully ran target compile for project crm');
    expect(output).not.toMatch(/payments|orders/);
  });
});
