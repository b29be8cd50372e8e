import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { AggregateCreateNodesError } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_OVERLAY } from './bench/workspace.js';
import { packagePath } from './core/package-info.js';
import { createNodesV2 } from './plugin.js';

const [pattern, createNodes] = createNodesV2;
/** qlf itself as an input, outside qlf's repository and without a lockfile entry. */
const QLF = { runtime: `node -p "require('qlf/package.json').version"` };

describe('qlf Nx plugin (createNodesV2)', () => {
  let root: string;
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const infer = (files: string[], options = {}) =>
    createNodes(files, options, { workspaceRoot: root, nxJsonConfiguration: {} });
  /** The project inferred for `file`, with `others` (the briefs it uses) inferred alongside, as Nx passes every file. */
  const projectOf = async (file: string, options = {}, others: string[] = []) => {
    const results = await infer([file, ...others], options);
    const [, result] = results.find(([inferred]) => inferred === file) ?? ['', {}];
    return Object.values(result.projects ?? {})[0];
  };
  const PAYMENTS = ['services/payments/brief.qlf.yaml'];

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
    expect(Object.keys(project?.targets ?? {})).toEqual([
      'compile',
      'generate',
      'verify',
      'build',
      'package',
      'deploy',
    ]);
    expect(project?.targets?.compile).toMatchObject({
      executor: 'qlf:compile',
      cache: true,
      dependsOn: [],
      outputs: ['{workspaceRoot}/dist/qlf/payments/ir.json'],
    });
    expect(project?.targets?.generate?.dependsOn).toEqual(['compile']);
    expect(project?.targets?.verify?.dependsOn).toEqual(['generate']);
    expect(project?.targets?.build?.dependsOn).toEqual(['verify']);
    expect(project?.targets?.package?.dependsOn).toEqual(['build']);
    expect(project?.targets?.deploy?.dependsOn).toEqual(['package']);
  });

  it('caches the stages that only read, never generate (it writes the working copy) nor build (an engine)', async () => {
    const targets = (await projectOf('services/payments/brief.qlf.yaml'))?.targets ?? {};
    const cached = Object.fromEntries(Object.entries(targets).map(([name, target]) => [name, target.cache]));
    // deploy applies to a cluster: it changes the world, so a replay would be a lie.
    expect(cached).toEqual({
      compile: true,
      generate: false,
      verify: true,
      build: false,
      package: true,
      deploy: false,
    });
  });

  it("declares generate's own records as its outputs, never the working copy", async () => {
    const targets = (await projectOf('services/payments/brief.qlf.yaml'))?.targets ?? {};
    expect(targets.generate?.outputs).toEqual([
      '{workspaceRoot}/dist/qlf/payments/generated',
      '{workspaceRoot}/dist/qlf/payments/generated.lock.json',
      '{workspaceRoot}/dist/qlf/payments/source.json',
    ]);
    const outputs = Object.values(targets).flatMap((target) => target.outputs ?? []);
    expect(outputs.filter((output) => output.includes('services/payments'))).toEqual([]);
    expect(targets.verify?.outputs).toEqual(['{workspaceRoot}/dist/qlf/payments/verify']);
    expect(targets.build?.outputs).toEqual(['{workspaceRoot}/dist/qlf/payments/build']);
    expect(targets.package?.outputs).toEqual(['{workspaceRoot}/dist/qlf/payments/package']);
  });

  it('hashes the working copy in verify through the manifest generate records, with the Python and strictness', async () => {
    const verify = (await projectOf('services/payments/brief.qlf.yaml'))?.targets?.verify;
    expect(verify?.inputs).toEqual([
      '{workspaceRoot}/qlf.config.ts',
      QLF,
      { dependentTasksOutputFiles: '**/ir.json', transitive: true },
      { dependentTasksOutputFiles: '**/source.json', transitive: true },
      { env: 'QLF_PYTHON' },
      { env: 'QLF_STRICT' },
    ]);
  });

  it('hashes in package the brief, every upstream record it ships, the archive time and the signing key', async () => {
    const pkg = (await projectOf('services/payments/brief.qlf.yaml'))?.targets?.package;
    const bin = relative(root, packagePath('bin', 'qlf.js')).split(sep).join('/');
    expect(pkg?.inputs).toEqual([
      '{workspaceRoot}/services/payments/brief.qlf.yaml',
      '{workspaceRoot}/qlf.config.ts',
      QLF,
      { dependentTasksOutputFiles: '**/ir.json', transitive: true },
      { dependentTasksOutputFiles: '**/source.json', transitive: true },
      { dependentTasksOutputFiles: '**/verify/report.json', transitive: true },
      { dependentTasksOutputFiles: '**/build/build.json', transitive: false },
      { dependentTasksOutputFiles: '**/build/Dockerfile', transitive: false },
      { dependentTasksOutputFiles: '**/build/.dockerignore', transitive: false },
      { env: 'QLF_STRICT' },
      { env: 'SOURCE_DATE_EPOCH' },
      { env: 'QLF_SIGNING_KEY' },
      { runtime: `node ${bin} keys fingerprint` },
    ]);
  });

  it('reads the key fingerprint with a command Nx can run from the workspace root', async () => {
    const pkg = (await projectOf('services/payments/brief.qlf.yaml'))?.targets?.package;
    const runtime = (pkg?.inputs ?? []).find(
      (input): input is { runtime: string } =>
        typeof input === 'object' && 'runtime' in input && /keys/.test(input.runtime),
    );
    const [, script = ''] = /^node (\S+) keys fingerprint$/.exec(runtime?.runtime ?? '') ?? [];
    expect(existsSync(resolve(root, script))).toBe(true);
  });

  it('keeps strictness out of compile and generate, and in every cached stage that reads it', async () => {
    const targets = (await projectOf('services/payments/brief.qlf.yaml'))?.targets ?? {};
    const strict = (name: string) =>
      (targets[name]?.inputs ?? []).some((input) => isEqual(input, { env: 'QLF_STRICT' }));
    expect(['compile', 'generate', 'verify', 'package'].map(strict)).toEqual([false, false, true, true]);
  });

  it('turns `uses` into project and task dependencies', async () => {
    const orders = await projectOf('services/orders/brief.qlf.yaml', {}, PAYMENTS);
    expect(orders?.implicitDependencies).toEqual(['payments']);
    expect(orders?.targets?.compile?.dependsOn).toEqual(['^compile']);
    expect(orders?.targets?.generate?.dependsOn).toEqual(['compile', '^generate']);
  });

  it('keeps a broken brief as a project named after its folder', async () => {
    const broken = await projectOf('services/broken/brief.qlf.yaml');
    expect(broken?.name).toBe('broken');
  });

  it('reads briefs with the limits compile uses: one nested 300,000 deep is a project named after its folder, at once', async () => {
    await write(
      'services/deep/brief.qlf.yaml',
      `apiVersion: qlf.dev/v1\nkind: Brief\nname: x\nops: ${'['.repeat(300_000)}\n`,
    );
    await write(
      'services/tagged/brief.qlf.yaml',
      'apiVersion: qlf.dev/v1\nkind: Brief\nname: x\nuses: !!set {payments}\n',
    );
    const started = Date.now();
    expect((await projectOf('services/deep/brief.qlf.yaml'))?.name).toBe('deep');
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await projectOf('services/tagged/brief.qlf.yaml'))?.name).toBe('tagged');
  });

  it('skips brief files outside the config `briefs` globs', async () => {
    const results = await infer(['fixtures/other/brief.qlf.yaml', 'services/payments/brief.qlf.yaml']);
    expect(results.map(([file]) => file)).toEqual(['services/payments/brief.qlf.yaml']);
  });

  it('prefixes target names when asked', async () => {
    const orders = await projectOf('services/orders/brief.qlf.yaml', { targetPrefix: 'qlf-' }, PAYMENTS);
    expect(Object.keys(orders?.targets ?? {})).toEqual([
      'qlf-compile',
      'qlf-generate',
      'qlf-verify',
      'qlf-build',
      'qlf-package',
      'qlf-deploy',
    ]);
    expect(orders?.targets?.['qlf-generate']?.dependsOn).toEqual(['qlf-compile', '^qlf-generate']);
  });

  it('reports a bad brief in its own file, with the line and the fix, and keeps the other briefs as projects', async () => {
    const brief = (name: string, extra = '') =>
      `apiVersion: qlf.dev/v1\nkind: Brief\nname: ${name}\ndescription: Stores things.\n${extra}`;
    await write('services/dup-a/brief.qlf.yaml', brief('twin'));
    await write('services/dup-b/brief.qlf.yaml', brief('twin'));
    await write('services/typo/brief.qlf.yaml', brief('typo', 'uses:\n  - paymnets\n'));
    await write('services/evil/brief.qlf.yaml', brief('../../evil'));
    const files = [
      'services/dup-a/brief.qlf.yaml',
      'services/dup-b/brief.qlf.yaml',
      'services/typo/brief.qlf.yaml',
      'services/evil/brief.qlf.yaml',
      ...PAYMENTS,
    ];
    const error = await infer(files).then(
      () => undefined,
      (thrown: unknown) => thrown as AggregateCreateNodesError,
    );
    expect(error).toBeInstanceOf(AggregateCreateNodesError);
    const messages = Object.fromEntries((error?.errors ?? []).map(([file, e]) => [file, e.message]));
    expect(Object.keys(messages).sort()).toEqual([
      'services/dup-b/brief.qlf.yaml',
      'services/evil/brief.qlf.yaml',
      'services/typo/brief.qlf.yaml',
    ]);
    expect(messages['services/dup-b/brief.qlf.yaml']).toMatch(
      /^services\/dup-b\/brief\.qlf\.yaml:3:7: E_BRIEF_DUPLICATE two briefs are named "twin": services\/dup-a\/brief\.qlf\.yaml and services\/dup-b\/brief\.qlf\.yaml\n {2}fix: /,
    );
    expect(messages['services/evil/brief.qlf.yaml']).toMatch(
      /^services\/evil\/brief\.qlf\.yaml:3:7: E_BRIEF_NAME .*\n {2}fix: /,
    );
    expect(messages['services/typo/brief.qlf.yaml']).toMatch(
      /^services\/typo\/brief\.qlf\.yaml:6:5: E_GRAPH_UNKNOWN_USES brief "typo" uses "paymnets", which no brief is named\n {2}fix: use one of: payments, twin, typo/,
    );
    // The partial results: every good brief, the first of the twins, and the typo without its unknown dependency.
    const projects = Object.fromEntries(
      (error?.partialResults ?? []).map(([file, result]) => [file, Object.values(result.projects ?? {})[0]]),
    );
    expect(Object.keys(projects).sort()).toEqual([
      'services/dup-a/brief.qlf.yaml',
      'services/payments/brief.qlf.yaml',
      'services/typo/brief.qlf.yaml',
    ]);
    expect(projects['services/typo/brief.qlf.yaml']?.implicitDependencies).toEqual([]);
  });
});
