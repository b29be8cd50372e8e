import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_OVERLAY } from './bench/workspace.js';
import { createNodesV2 } from './plugin.js';

const [pattern, createNodes] = createNodesV2;

describe('qlf Nx plugin (createNodesV2)', () => {
  let root: string;
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const infer = (files: string[], options = {}) =>
    createNodes(files, options, { workspaceRoot: root, nxJsonConfiguration: {} });
  const projectOf = async (file: string, options = {}) => {
    const [[, result] = ['', {}]] = await infer([file], options);
    return Object.values(result.projects ?? {})[0];
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-plugin-'));
    await write(
      'qlf.config.ts',
      "export default { briefs: ['services/**/brief.qlf.yaml'], overlays: { dirs: ['overlays'] } };\n",
    );
    await write('overlays/team-audit.yaml', TEAM_OVERLAY);
    await write(
      'services/payments/brief.qlf.yaml',
      'apiVersion: qlf.dev/v1\nkind: Brief\nname: payments\ndescription: Stores card payments.\noverlays: [team-audit]\n',
    );
    await write(
      'services/orders/brief.qlf.yaml',
      'apiVersion: qlf.dev/v1\nkind: Brief\nname: orders\ndescription: Customers place orders.\nuses: [payments]\n',
    );
    await write('services/broken/brief.qlf.yaml', 'name: [oops\n');
    await write('fixtures/other/brief.qlf.yaml', 'apiVersion: qlf.dev/v1\nkind: Brief\nname: other\ndescription: x\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('matches brief files', () => {
    expect(pattern).toBe('**/brief.qlf.yaml');
  });

  it('infers a project per brief with the stage chain', async () => {
    const project = await projectOf('services/payments/brief.qlf.yaml');
    expect(project).toMatchObject({ name: 'payments', root: 'services/payments', implicitDependencies: [] });
    expect(Object.keys(project?.targets ?? {})).toEqual(['compile', 'generate', 'verify', 'build', 'package']);
    expect(project?.targets?.compile).toMatchObject({
      executor: 'qlf:compile',
      cache: true,
      dependsOn: [],
      outputs: ['{workspaceRoot}/dist/qlf/payments/ir.json'],
    });
    expect(project?.targets?.generate?.dependsOn).toEqual(['compile']);
    expect(project?.targets?.verify?.outputs).toEqual(['{workspaceRoot}/dist/qlf/payments/verify']);
  });

  it('hashes exactly the brief, the overlays it uses, the config and qlf', async () => {
    const payments = await projectOf('services/payments/brief.qlf.yaml');
    const inputs = payments?.targets?.compile?.inputs ?? [];
    expect(inputs.slice(0, 3)).toEqual([
      '{workspaceRoot}/services/payments/brief.qlf.yaml',
      '{workspaceRoot}/overlays/team-audit.yaml',
      '{workspaceRoot}/qlf.config.ts',
    ]);
    expect(inputs).toContainEqual({ runtime: `node -p "require('qlf/package.json').version"` });
    const orders = await projectOf('services/orders/brief.qlf.yaml');
    expect(orders?.targets?.compile?.inputs).not.toContain('{workspaceRoot}/overlays/team-audit.yaml');
  });

  it('turns `uses` into project and task dependencies', async () => {
    const orders = await projectOf('services/orders/brief.qlf.yaml');
    expect(orders?.implicitDependencies).toEqual(['payments']);
    expect(orders?.targets?.compile?.dependsOn).toEqual(['^compile']);
    expect(orders?.targets?.generate?.dependsOn).toEqual(['compile', '^generate']);
  });

  it('keeps a broken brief as a project named after its folder', async () => {
    const broken = await projectOf('services/broken/brief.qlf.yaml');
    expect(broken?.name).toBe('broken');
  });

  it('skips brief files outside the config `briefs` globs', async () => {
    const results = await infer(['fixtures/other/brief.qlf.yaml', 'services/payments/brief.qlf.yaml']);
    expect(results.map(([file]) => file)).toEqual(['services/payments/brief.qlf.yaml']);
  });

  it('prefixes target names when asked', async () => {
    const orders = await projectOf('services/orders/brief.qlf.yaml', { targetPrefix: 'qlf-' });
    expect(Object.keys(orders?.targets ?? {})).toEqual([
      'qlf-compile',
      'qlf-generate',
      'qlf-verify',
      'qlf-build',
      'qlf-package',
    ]);
    expect(orders?.targets?.['qlf-generate']?.dependsOn).toEqual(['qlf-compile', '^qlf-generate']);
  });
});
