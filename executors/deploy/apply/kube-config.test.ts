// loadKubeConfig: explicit path, KUBECONFIG, a chosen context, and the input errors when none of it is there.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeKubeApi } from '../fixtures/fake-kube-api.js';
import { loadKubeConfig } from './kube-config.js';

let fake: FakeKubeApi | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await fake?.close();
  fake = undefined;
});

async function kubeconfigFile() {
  fake = await FakeKubeApi.start();
  const dir = mkdtempSync(join(tmpdir(), 'qlf-kubeconfig-'));
  const file = join(dir, 'config');
  const yaml = fake
    .kubeconfigYaml()
    .replace('contexts:', 'contexts:\n  - name: prod\n    context: { cluster: fake, user: fake }\n');
  writeFileSync(file, yaml);
  return { dir, file };
}

describe('loadKubeConfig', () => {
  it('reads an explicit path and keeps its current-context', async () => {
    const { file } = await kubeconfigFile();
    const config = loadKubeConfig({ kubeconfig: file });
    expect(config.getCurrentContext()).toBe('fake');
    expect(config.getCurrentCluster()?.server).toBe(fake?.url);
  });

  it('reads KUBECONFIG and switches to the requested context', async () => {
    const { file } = await kubeconfigFile();
    vi.stubEnv('KUBECONFIG', file);
    expect(loadKubeConfig({ context: 'prod' }).getCurrentContext()).toBe('prod');
  });

  it('an unknown context is an input error listing the known ones', async () => {
    const { file } = await kubeconfigFile();
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'nope' })).toThrow(
      expect.objectContaining({
        code: 'E_KUBE_CONTEXT',
        kind: 'input',
        message: expect.stringContaining('known: prod, fake'),
      }),
    );
  });

  it('no kubeconfig anywhere: E_KUBE_NO_CONFIG saying how to set KUBECONFIG', () => {
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', mkdtempSync(join(tmpdir(), 'qlf-home-')));
    expect(() => loadKubeConfig()).toThrow(
      expect.objectContaining({ code: 'E_KUBE_NO_CONFIG', kind: 'input', hint: expect.stringContaining('KUBECONFIG') }),
    );
  });

  it('a KUBECONFIG naming a missing file: E_KUBE_NO_CONFIG naming it', () => {
    vi.stubEnv('KUBECONFIG', '/nonexistent/kubeconfig');
    expect(() => loadKubeConfig()).toThrow(
      expect.objectContaining({ message: expect.stringContaining('/nonexistent/kubeconfig') }),
    );
  });
});
