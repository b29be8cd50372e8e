import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { QlfError } from './errors.js';

async function workspace(config?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qlf-config-'));
  if (config !== undefined) await writeFile(join(dir, 'qlf.config.ts'), config);
  return dir;
}

describe('loadConfig', () => {
  const strict = process.env.QLF_STRICT;
  afterEach(() => {
    if (strict === undefined) delete process.env.QLF_STRICT;
    else process.env.QLF_STRICT = strict;
  });

  it('fills defaults and makes paths absolute when there is no config file', async () => {
    const dir = await workspace();
    delete process.env.QLF_STRICT;
    const config = await loadConfig(dir);
    expect(config.root).toBe(dir);
    expect(config.outDir).toBe(join(dir, 'dist/qlf'));
    expect(config.briefs).toEqual(['**/brief.qlf.yaml']);
    expect(config.verify.strict).toBe(false);
  });

  it('loads a TypeScript config from a parent folder', async () => {
    const dir = await workspace(
      "const config: { outDir: string; overlays: { dirs: string[] } } = { outDir: 'build', overlays: { dirs: ['my-overlays'] } };\nexport default config;\n",
    );
    await mkdir(join(dir, 'services/a'), { recursive: true });
    const config = await loadConfig(join(dir, 'services/a'));
    expect(config.root).toBe(dir);
    expect(config.outDir).toBe(join(dir, 'build'));
    expect(config.overlays.dirs).toEqual([join(dir, 'my-overlays')]);
  });

  it('reports a bad option with the accepted values', async () => {
    const dir = await workspace("export default { generate: { provider: 'gpt' } };\n");
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QlfError);
    const issue = (error as QlfError).issues[0]!;
    expect(issue.path).toBe('generate.provider');
    expect(issue.hint).toMatch(/"templates"/);
  });

  it('reports a syntax error as bad input', async () => {
    const dir = await workspace('export default {{{');
    await expect(loadConfig(dir)).rejects.toMatchObject({ code: 'E_CONFIG_LOAD', kind: 'input' });
  });

  it('turns strict on from QLF_STRICT', async () => {
    const dir = await workspace();
    process.env.QLF_STRICT = '1';
    expect((await loadConfig(dir)).verify.strict).toBe(true);
  });
});
