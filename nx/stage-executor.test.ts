import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStageExecutor } from './stage-executor.js';

describe('the Nx stage executor', () => {
  let root: string;
  let printed: string;
  const compile = createStageExecutor('compile');
  const context = (project: string): ExecutorContext =>
    ({
      root,
      cwd: root,
      isVerbose: false,
      projectName: project,
      projectsConfigurations: { version: 2, projects: { [project]: { root: `briefs/${project}` } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    }) as ExecutorContext;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-executor-'));
    await writeFile(join(root, 'qlf.config.ts'), "export default { briefs: ['briefs/**/brief.qlf.yaml'] };\n");
    await mkdir(join(root, 'briefs', 'bad'), { recursive: true });
    await writeFile(
      join(root, 'briefs', 'bad', 'brief.qlf.yaml'),
      'apiVersion: qlf.dev/v1\nkind: Brief\nname: bad\ndescription: Stores payments.\napi:\n  auth: magic\nentities: 3\n',
    );
    const capture = (chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => {
    printed = '';
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rm(root, { recursive: true, force: true });
  });

  it('prints every problem of a brief that does not match the schema, as `qlf` does', async () => {
    printed = '';
    const result = await compile({}, context('bad'));
    expect(result).toEqual({ success: false });
    expect(printed).toContain(
      'briefs/bad/brief.qlf.yaml:6:9: error E_BRIEF_SCHEMA: `api.auth` Invalid option: expected one of "none"|"jwt"|"api-key"|"oauth2"\n  fix: Use one of: "none", "jwt", "api-key", "oauth2".',
    );
    expect(printed).toContain('briefs/bad/brief.qlf.yaml:7:11: error E_BRIEF_SCHEMA: `entities`');
    expect(printed).not.toMatch(/\(\d+ problems?\)/);
  });

  it('names a bad executor option', async () => {
    printed = '';
    const result = await compile({ brief: 3 }, context('bad'));
    expect(result).toEqual({ success: false });
    expect(printed).toMatch(/error E_EXECUTOR_OPTIONS: `brief` .*string/);
  });
});
