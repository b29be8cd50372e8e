// The real stage tasks inside the engine. Generate and verify join as they become runnable; the fake downstream tasks
// stand in for them where a test is about the engine around compile.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles } from '../../cache/file-tree.js';
import { generateSigningKeyPair, loadPublicKey } from '../../executors/package/lib/signing-keys.js';
import { verifyCapsule } from '../../executors/package/lib/verify-capsule.js';
import { loadStageTasks } from '../execute-task.js';
import { runGraph } from '../run-graph.js';
import { runStage } from '../run-stage.js';
import { fakeTaskModule, makeWorkspace, removeWorkspaces } from '../testing/workspace.js';
import { buildTask } from './build.js';
import { compileTask } from './compile.js';
import { generateTask } from './generate.js';
import { stageTasks } from './index.js';
import { packageTask } from './package.js';

const ledger = [
  'apiVersion: qlf.dev/v1',
  'kind: Brief',
  'name: ledger',
  'description: |',
  '  Core banking ledger. Accounts have many transactions; transfers move money between accounts. Audit log required.',
  '',
].join('\n');

afterAll(removeWorkspaces);

describe('stage tasks', () => {
  it('registers the stages in pipeline order', () => {
    expect(stageTasks.map((t) => t.stage)).toEqual(['compile', 'generate', 'verify', 'build', 'package', 'deploy']);
    expect(stageTasks.find((t) => t.stage === 'verify')).toMatchObject({ heavy: true, publishOnFailure: true });
  });

  it('early cutoff with the real compile: a comment and whitespace edit re-runs compile only', async () => {
    const ws = await makeWorkspace({ ledger });
    const fake = await loadStageTasks(fakeTaskModule);
    const tasks = [compileTask, ...fake.filter((t) => t.stage !== 'compile')];
    const run = async () =>
      runGraph({ config: await ws.config(), runner: 'inline', stageTasks: tasks, taskModule: fakeTaskModule });
    const first = await run();
    expect(first.totals).toMatchObject({ success: 3, failed: 0 });
    const ir = JSON.parse(await readFile(join(ws.root, 'dist', 'qlf', 'ledger', 'ir.json'), 'utf8'));
    expect(ir.name).toBe('ledger');
    await ws.clearRuns();
    await ws.write('briefs/ledger/brief.qlf.yaml', `${ledger}\n# reviewed by the ledger team\n\n`);
    const second = await run();
    expect(Object.fromEntries(second.tasks.map((t) => [t.id, t.status]))).toEqual({
      'ledger:compile': 'success',
      'ledger:generate': 'cached',
      'ledger:verify': 'cached',
    });
    expect(second.tasks[0]?.hash).not.toBe(first.tasks[0]?.hash);
    expect(second.tasks[0]?.outputHash).toBe(first.tasks[0]?.outputHash);
  });

  it('real compile and generate: cached service outputs are published through the merge, keeping user edits', async () => {
    const ws = await makeWorkspace({ ledger });
    const run = async () =>
      runGraph({
        config: await ws.config(),
        runner: 'inline',
        stageTasks: [compileTask, generateTask],
      });
    const first = await run();
    expect(first.totals).toMatchObject({ success: 2, failed: 0 });
    const service = join(ws.root, 'briefs', 'ledger', 'service');
    const files = await listFiles(service);
    expect(files.length).toBeGreaterThan(3);
    const edited = files.find((f) => f.endsWith('.py')) as string;
    const original = await readFile(join(service, edited), 'utf8');
    await writeFile(join(service, edited), `${original}\n# my own note\n`);
    await ws.write('briefs/ledger/brief.qlf.yaml', `${ledger}# a comment\n`);
    const second = await run();
    expect(second.tasks.map((t) => t.status)).toEqual(['success', 'cached']);
    expect(await readFile(join(service, edited), 'utf8')).toContain('# my own note');
  });

  it('the lock and the working copy get the generator’s modes, whatever the umask', async () => {
    const run = async (umask: number) => {
      const ws = await makeWorkspace({ ledger });
      const old = process.umask(umask);
      try {
        await runGraph({ config: await ws.config(), runner: 'inline', stageTasks: [compileTask, generateTask] });
      } finally {
        process.umask(old);
      }
      const service = join(ws.root, 'briefs', 'ledger', 'service');
      return {
        lock: await readFile(join(service, 'qlf.lock.json'), 'utf8'),
        mode: (await stat(join(service, 'app', 'main.py'))).mode & 0o777,
      };
    };
    const usual = await run(0o022);
    const strict = await run(0o077);
    expect(strict.lock).toBe(usual.lock);
    expect([usual.mode, strict.mode]).toEqual([0o644, 0o644]);
  });

  it('real verify: the report is published and decides the task status; a pass is cached', {
    timeout: 90_000,
  }, async () => {
    const ws = await makeWorkspace({ ledger });
    const run = async () => runGraph({ config: await ws.config(), runner: 'inline', stage: 'verify' });
    const first = await run();
    const verify = first.tasks.find((t) => t.id === 'ledger:verify');
    const report = JSON.parse(await readFile(join(ws.root, 'dist', 'qlf', 'ledger', 'verify', 'report.json'), 'utf8'));
    expect(report.name).toBe('ledger');
    expect(verify?.status).toBe(report.passed ? 'success' : 'failed');
    if (!report.passed) expect(verify?.errorCode).toBe('E_VERIFY_FAILED');
    const second = await run();
    expect(second.tasks.find((t) => t.id === 'ledger:verify')?.status).toBe(report.passed ? 'cached' : 'failed');
  });

  it('real build and package: a signed capsule that verifies; its hash follows SOURCE_DATE_EPOCH', {
    timeout: 90_000,
  }, async () => {
    const ws = await makeWorkspace({ ledger });
    const keys = generateSigningKeyPair('ed25519');
    await ws.write('keys/qlf.key', keys.privatePem);
    await ws.write('keys/qlf.pub', keys.publicPem);
    const run = async () => {
      const config = await ws.config();
      // Not about strictness: no engine answers here, so the build records a skipped image instead of failing.
      config.verify.strict = false;
      config.build.dockerHost = `unix://${join(ws.root, 'no-engine.sock')}`;
      config.package.signingKey = 'keys/qlf.key';
      return runGraph({ config, runner: 'inline', stageTasks: [compileTask, generateTask, buildTask, packageTask] });
    };
    const first = await run();
    expect(first.tasks.map((t) => `${t.id} ${t.status}`)).toEqual([
      'ledger:compile success',
      'ledger:generate success',
      'ledger:build success',
      'ledger:package success',
    ]);
    const out = join(ws.root, 'dist', 'qlf', 'ledger');
    const capsule = await readFile(join(out, 'package', 'ledger.qlcapsule'));
    const verdict = verifyCapsule(capsule, { publicKey: await loadPublicKey(join(ws.root, 'keys/qlf.pub')) });
    expect(verdict.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(verdict.manifest?.stages.build).toMatchObject({ status: 'skipped' });
    expect(JSON.parse(await readFile(join(out, 'package', 'manifest.json'), 'utf8'))).toEqual(verdict.manifest);
    const build = first.tasks.find((t) => t.stage === 'build');
    expect(build?.terminalOutput).toMatch(/skipped: image \(no container engine/);
    expect(build?.skips).toEqual([{ check: 'image', reason: expect.stringContaining('no container engine') }]);

    // A build without an image is never cached (an engine may answer next time); its unchanged output keeps package a hit.
    const cached = await run();
    expect(cached.tasks.map((t) => t.status)).toEqual(['cached', 'cached', 'success', 'cached']);
    expect(cached.totals.skippedChecks).toBeGreaterThanOrEqual(1);
    const epoch = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    try {
      const moved = await run();
      expect(moved.tasks.map((t) => t.status)).toEqual(['cached', 'cached', 'success', 'success']);
      const later = verifyCapsule(await readFile(join(out, 'package', 'ledger.qlcapsule')));
      expect(later.manifest?.sourceDateEpoch).toBe(1700000000);
    } finally {
      if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = epoch;
    }
  });

  it('build.image false: the context only, cached, and not an error in strict mode', { timeout: 90_000 }, async () => {
    const ws = await makeWorkspace({ ledger });
    const run = async () => {
      const config = await ws.config();
      config.verify.strict = true;
      config.build.image = false;
      config.build.dockerHost = `unix://${join(ws.root, 'no-engine.sock')}`;
      return runGraph({ config, runner: 'inline', stageTasks: [compileTask, generateTask, buildTask] });
    };
    const first = await run();
    expect(first.tasks.map((t) => t.status)).toEqual(['success', 'success', 'success']);
    expect(first.tasks[2]?.skips).toEqual([
      { check: 'image', reason: 'image builds turned off (build.image: false)', keyed: true },
    ]);
    const build = JSON.parse(await readFile(join(ws.root, 'dist/qlf/ledger/build/build.json'), 'utf8'));
    expect(build.image).toMatchObject({ status: 'skipped', reason: 'image builds turned off (build.image: false)' });
    const second = await run();
    expect(second.tasks.map((t) => t.status)).toEqual(['cached', 'cached', 'cached']);
    expect(second.tasks[2]?.skips).toHaveLength(1);
  });

  it('a brief that breaks the schema fails compile with located issues', async () => {
    const ws = await makeWorkspace({ bad: 'name: bad\ndescription: x\n' });
    const result = await runGraph({ config: await ws.config(), runner: 'inline', stageTasks: [compileTask] });
    expect(result.tasks[0]).toMatchObject({ status: 'failed' });
    expect(result.tasks[0]?.issues?.length).toBeGreaterThan(0);
    expect(result.tasks[0]?.issues?.[0]?.file).toBe('briefs/bad/brief.qlf.yaml');
  });

  it('runStage runs one stage without the cache and publishes into <outDir>/<name>', async () => {
    const ws = await makeWorkspace({ ledger });
    const config = await ws.config();
    const result = await runStage({ config, briefFile: 'briefs/ledger/brief.qlf.yaml', stage: 'compile' });
    expect(result).toMatchObject({ brief: 'ledger', stage: 'compile', outDir: join(config.outDir, 'ledger') });
    expect(JSON.parse(await readFile(join(config.outDir, 'ledger', 'ir.json'), 'utf8')).name).toBe('ledger');
    const fake = await loadStageTasks(fakeTaskModule);
    await runStage({ config, briefFile: 'briefs/ledger/brief.qlf.yaml', stage: 'generate', stageTasks: fake });
    expect(await readFile(join(config.outDir, 'ledger', 'service', 'app', 'main.py'), 'utf8')).toContain('# ledger');
    // A stage the given task list does not register (the fake module stops at package).
    await expect(
      runStage({ config, briefFile: 'briefs/ledger/brief.qlf.yaml', stage: 'deploy', stageTasks: fake }),
    ).rejects.toMatchObject({ code: 'E_STAGE_UNKNOWN' });
  });
});
