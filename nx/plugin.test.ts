import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { AggregateCreateNodesError } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_OVERLAY } from '../bench/workspace.js';
import { packagePath } from '../core/package-info.js';
import { stageTasks } from '../graph/stage-tasks/index.js';
import { STAGE_RECORDS } from '../graph/stages.js';
import { cpuMsSince } from '../testing/cpu-time.js';
import { createNodes as plugin } from './plugin.js';

const [pattern, createNodes] = plugin;

describe('qlf Nx plugin (createNodes)', () => {
  let root: string;
  /** A path of qlf's package as a `runtime` command sees it from the workspace root. */
  const fromRoot = (...segments: string[]) =>
    relative(root, packagePath(...segments))
      .split(sep)
      .join('/');
  /** qlf itself as an input, outside qlf's repository: the installed package's identity, not its dependency tree. */
  const QLF = () => ({ runtime: `node ${fromRoot('dist', 'nx', 'qlf-identity.js')}` });
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const infer = async (files: string[], options = {}) =>
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
      '{workspaceRoot}/dist/qlf/payments/llm-usage.json',
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
      QLF(),
      { dependentTasksOutputFiles: '**/ir.json', transitive: true },
      { dependentTasksOutputFiles: '**/source.json', transitive: true },
      { env: 'QLF_PYTHON' },
      { env: 'QLF_STRICT' },
    ]);
  });

  it('hashes in package the brief, every upstream record it ships, the archive time and the signing key', async () => {
    const pkg = (await projectOf('services/payments/brief.qlf.yaml'))?.targets?.package;
    const bin = fromRoot('bin', 'qlf.js');
    expect(pkg?.inputs).toEqual([
      '{workspaceRoot}/services/payments/brief.qlf.yaml',
      '{workspaceRoot}/qlf.config.ts',
      QLF(),
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
    const started = process.cpuUsage();
    expect((await projectOf('services/deep/brief.qlf.yaml'))?.name).toBe('deep');
    expect(cpuMsSince(started)).toBeLessThan(1000);
    expect((await projectOf('services/tagged/brief.qlf.yaml'))?.name).toBe('tagged');
  });

  it('skips brief files outside the config `briefs` globs', async () => {
    const results = await infer(['fixtures/other/brief.qlf.yaml', 'services/payments/brief.qlf.yaml']);
    expect(results.map(([file]) => file)).toEqual(['services/payments/brief.qlf.yaml']);
  });

  it('declares the outputs the stage tasks declare, plus the records a stage writes after publishing', async () => {
    const targets = (await projectOf('services/payments/brief.qlf.yaml'))?.targets ?? {};
    for (const task of stageTasks) {
      const declared = [...task.outputs, ...(STAGE_RECORDS[task.stage] ?? [])];
      expect(targets[task.stage]?.outputs).toEqual(declared.map((o) => `{workspaceRoot}/dist/qlf/payments/${o}`));
    }
  });

  it('hashes qlf by its own identity, never its dependency tree, and lists only workspace overlay files', async () => {
    const targets = (await projectOf('services/payments/brief.qlf.yaml'))?.targets ?? {};
    const inputs = Object.values(targets).flatMap((target) => target.inputs ?? []);
    expect(inputs.some((input) => typeof input === 'object' && 'externalDependencies' in input)).toBe(false);
    // team-audit is a workspace file; the built-in overlays are qlf's own files, which the qlf input covers.
    const files = (targets.compile?.inputs ?? []).filter((input): input is string => typeof input === 'string');
    expect(files).toEqual([
      '{workspaceRoot}/services/payments/brief.qlf.yaml',
      '{workspaceRoot}/overlays/team-audit.yaml',
      '{workspaceRoot}/qlf.config.ts',
    ]);
  });

  it('runs one verify at a time, as qlf does', async () => {
    const targets = (await projectOf('services/payments/brief.qlf.yaml'))?.targets ?? {};
    expect(targets.verify?.parallelism).toBe(false);
    expect(targets.compile?.parallelism).toBeUndefined();
  });

  it('describes each target for `nx show project`, with the qlf command that documents it', async () => {
    const project = await projectOf('services/payments/brief.qlf.yaml');
    expect(project?.metadata).toMatchObject({
      technologies: ['qlf'],
      targetGroups: { qlf: Object.keys(project?.targets ?? {}) },
    });
    expect(project?.targets?.compile?.metadata).toEqual({
      description: 'Compiles a brief to its canonical IR (payments)',
      technologies: ['qlf'],
      help: { command: 'npx qlf compile --help', example: { options: { brief: 'services/payments/brief.qlf.yaml' } } },
    });
    expect(project?.targets?.verify?.metadata?.help).toEqual({
      command: 'npx qlf run --help',
      example: { options: { strict: true } },
    });
  });

  it('names each target as the options say, the others by prefix and stage', async () => {
    const orders = await projectOf(
      'services/orders/brief.qlf.yaml',
      { targetPrefix: 'q-', compileTargetName: 'ir', generateTargetName: 'codegen' },
      PAYMENTS,
    );
    expect(Object.keys(orders?.targets ?? {})).toEqual([
      'ir',
      'codegen',
      'q-verify',
      'q-build',
      'q-package',
      'q-deploy',
    ]);
    expect(orders?.targets?.codegen?.dependsOn).toEqual(['ir', '^codegen']);
    expect(orders?.targets?.['q-verify']?.dependsOn).toEqual(['codegen', '^q-verify']);
  });

  it.each([
    [{ buildTarget: 'b' }, /unknown option "buildTarget"/],
    [{ compileTargetName: 3 }, /option "compileTargetName" is 3: expected string, received number/],
    [{ verifyTargetName: 'a:b' }, /option "verifyTargetName" is "a:b": expected a target name/],
    [{ compileTargetName: 'x', deployTargetName: 'x' }, /two stages share the target name "x"/],
  ])('rejects the options %j, naming the option and the accepted ones', async (options, message) => {
    const error = await infer(PAYMENTS, options).then(
      () => undefined,
      (thrown: unknown) => thrown as Error,
    );
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/^E_PLUGIN_OPTIONS /);
    expect(error?.message).toMatch(
      /\n {2}fix: .*(targetPrefix, compileTargetName|compileTargetName, generateTargetName)/,
    );
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

  it('keeps a name with the brief in the folder of that name when a copy claims it too', async () => {
    // "payments-copy/" sorts before "payments/" as a string; the original must not lose its project to the copy.
    await write(
      'services/payments-copy/brief.qlf.yaml',
      'apiVersion: qlf.dev/v1\nkind: Brief\nname: payments\ndescription: x\n',
    );
    const error = await infer(['services/payments-copy/brief.qlf.yaml', ...PAYMENTS]).then(
      () => undefined,
      (thrown: unknown) => thrown as AggregateCreateNodesError,
    );
    expect(error?.errors.map(([file]) => file)).toEqual(['services/payments-copy/brief.qlf.yaml']);
    expect(error?.errors[0]?.[1].stack).toBe(error?.errors[0]?.[1].message);
    expect(error?.partialResults.map(([file]) => file)).toEqual(PAYMENTS);
    await rm(join(root, 'services/payments-copy'), { recursive: true });
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
