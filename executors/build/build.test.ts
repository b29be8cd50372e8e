// The build stage end to end: a real engine (Podman's Docker-compatible service) when podman is installed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QlfError } from '../../core/errors.js';
import { shopIr } from '../../testing/sample-irs.js';
import { runBuild } from './build.js';
import { type PodmanService, podman, startPodmanService } from './fixtures/podman-service.js';

function serviceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qlf-build-svc-'));
  mkdirSync(join(dir, 'app'));
  mkdirSync(join(dir, 'migrations/versions'), { recursive: true });
  mkdirSync(join(dir, 'tests'));
  mkdirSync(join(dir, 'app/__pycache__'));
  writeFileSync(join(dir, 'requirements.txt'), 'fastapi>=0.92,<1\n');
  writeFileSync(join(dir, 'app/main.py'), 'from fastapi import FastAPI\napp = FastAPI()\n');
  writeFileSync(join(dir, 'app/__pycache__/main.cpython-311.pyc'), 'x');
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
  writeFileSync(join(dir, 'migrations/env.py'), 'from alembic import context\n');
  writeFileSync(join(dir, 'migrations/versions/0001_initial.py'), 'revision = "0001"\ndown_revision = None\n');
  writeFileSync(join(dir, 'tests/test_main.py'), 'def test_ok():\n    assert True\n');
  return dir;
}

describe('runBuild without an engine', () => {
  it('produces the reproducible context and reports the image as skipped with the reason', async () => {
    const dir = serviceDir();
    const options = { strict: false, dockerHost: 'unix:///nonexistent/qlf.sock', qlfVersion: '0.0.0-test' };
    const first = await runBuild({ ir: shopIr(), serviceDir: dir }, options);
    const second = await runBuild({ ir: shopIr(), serviceDir: dir }, options);
    expect(first.result.image).toMatchObject({
      status: 'skipped',
      reason: 'no container engine at DOCKER_HOST (unix:///nonexistent/qlf.sock)',
    });
    expect(Buffer.from(first.contextTar).equals(Buffer.from(second.contextTar))).toBe(true);
    expect(first.result.contextFiles).toEqual([
      '.dockerignore',
      'Dockerfile',
      'alembic.ini',
      'app/main.py',
      'migrations/env.py',
      'migrations/versions/0001_initial.py',
      'requirements.txt',
    ]);
    expect(first.result.image.tag).toMatch(/^localhost\/qlf\/shop:[0-9a-f]{16}$/);
  });

  it('changes the tag when the service changes', async () => {
    const dir = serviceDir();
    const options = { strict: false, dockerHost: 'unix:///nonexistent/qlf.sock', qlfVersion: '0.0.0-test' };
    const before = await runBuild({ ir: shopIr(), serviceDir: dir }, options);
    writeFileSync(join(dir, 'app/main.py'), 'from fastapi import FastAPI\napp = FastAPI(title="x")\n');
    const after = await runBuild({ ir: shopIr(), serviceDir: dir }, options);
    expect(after.result.image.tag).not.toBe(before.result.image.tag);
  });

  it('fails under --strict, naming the engine address', async () => {
    const error = await runBuild(
      { ir: shopIr(), serviceDir: serviceDir() },
      { strict: true, dockerHost: 'unix:///nonexistent/qlf.sock' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QlfError);
    expect((error as QlfError).code).toBe('E_NO_ENGINE');
    expect((error as QlfError).message).toContain('unix:///nonexistent/qlf.sock');
  });

  it('refuses an empty service folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlf-build-empty-'));
    await expect(runBuild({ ir: shopIr(), serviceDir: dir }, { strict: false, noEngine: true })).rejects.toMatchObject({
      code: 'E_BUILD_EMPTY',
    });
  });
});

const strict = process.env.QLF_STRICT === '1';
const title = podman
  ? 'runBuild through Podman’s Docker-compatible API'
  : 'runBuild through Podman — skipped: podman not installed';

describe.skipIf(!podman && !strict)(title, () => {
  let engine: PodmanService | undefined;

  beforeAll(async () => {
    engine = await startPodmanService();
  }, 60_000);

  afterAll(() => engine?.stop());

  it('builds the FastAPI image, records its ID and digest, and reuses it when nothing changed', async () => {
    const dir = serviceDir();
    const options = {
      strict: true,
      dockerHost: engine!.dockerHost,
      isolation: 'chroot' as const,
      baseImages: { PYTHON_IMAGE: engine!.baseImage },
    };
    const first = await runBuild({ ir: shopIr(), serviceDir: dir }, options);
    expect(first.result.image).toMatchObject({ status: 'built', reused: false });
    if (first.result.image.status !== 'built') throw new Error('unreachable');
    expect(first.result.image.id).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
    expect(first.result.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.result.image.engine).toMatch(/Podman/);
    expect(first.log.join('\n')).toMatch(/pip install/);

    const second = await runBuild({ ir: shopIr(), serviceDir: dir }, options);
    expect(second.result.image).toMatchObject({ status: 'built', reused: true, id: first.result.image.id });
    engine!.removeImage(first.result.image.tag);
  }, 180_000);
});
