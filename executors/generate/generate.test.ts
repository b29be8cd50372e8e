import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.js';
import { qlfVersion } from '../../core/package-info.js';
import { generatedTreeSchema } from '../../schemas/generated-tree.js';
import { runGenerate } from './generate.js';
import { ARTIFACT_KINDS, type ArtifactKind, type GeneratorAgent } from './lib/agent.js';
import { sampleIr } from './lib/sample-ir.js';
import { mergeIntoWorkingCopy } from './lib/working-copy-merge.js';

function agent(name: string, kind: ArtifactKind, paths: string[]): GeneratorAgent {
  return {
    name,
    kind,
    score: () => 1,
    generate: (_ir, ctx) => paths.map((path) => ({ path, content: `${name} ${ctx.qlfVersion}\n` })),
  };
}

function agents(paths: Partial<Record<ArtifactKind, string[]>>): GeneratorAgent[] {
  return ARTIFACT_KINDS.map((kind) => agent(`${kind}-agent`, kind, paths[kind] ?? []));
}

describe('runGenerate', () => {
  it('runs one agent per kind and returns its files sorted by path, tagged with the agent', async () => {
    const tree = await runGenerate(
      sampleIr(),
      { qlfVersion: '9.9.9' },
      agents({ backend: ['app/main.py'], docs: ['README.md'], tests: ['tests/test_api.py'], api: ['openapi.json'] }),
    );
    expect(generatedTreeSchema.parse(tree)).toEqual(tree);
    expect(tree.name).toBe('shop');
    expect(tree.files.map((file) => [file.path, file.agent])).toEqual([
      ['README.md', 'docs-agent'],
      ['app/main.py', 'backend-agent'],
      ['openapi.json', 'api-agent'],
      ['tests/test_api.py', 'tests-agent'],
    ]);
    expect(tree.files[0]?.content).toBe('docs-agent 9.9.9\n');
    expect(tree.agents).toEqual(ARTIFACT_KINDS.map((kind) => ({ kind, agent: `${kind}-agent`, score: 1 })));
  });

  it("defaults the context's qlf version to the package version", async () => {
    const tree = await runGenerate(sampleIr(), {}, agents({ docs: ['README.md'] }));
    expect(tree.files[0]?.content).toBe(`docs-agent ${qlfVersion()}\n`);
  });

  it.each([['../outside.py'], ['/etc/passwd'], ['app/../../x'], ['app//x.py'], ['./x'], ['C:/x'], ['a\\b']])(
    'refuses the unsafe path %j',
    async (path) => {
      await expect(runGenerate(sampleIr(), {}, agents({ backend: [path] }))).rejects.toMatchObject({
        code: 'E_GENERATED_PATH',
        kind: 'work',
      });
    },
  );

  it.each([
    ['the same path from two agents', { backend: ['app/x.py'], api: ['app/x.py'] }, /both generate "app\/x.py"/],
    ['a file where another agent needs a folder', { backend: ['app'], api: ['app/x.py'] }, /inside it/],
  ])('refuses %s', async (_name, paths, message) => {
    await expect(runGenerate(sampleIr(), {}, agents(paths))).rejects.toMatchObject({
      code: 'E_GENERATED_CLASH',
      message: expect.stringMatching(message),
    });
  });

  it('turns the same IR into byte-identical trees with the built-in agents', async () => {
    const first = await runGenerate(sampleIr(), { qlfVersion: '1.2.3' });
    const second = await runGenerate(sampleIr(), { qlfVersion: '1.2.3' });
    expect(second).toEqual(first);
    expect(canonicalJson(second)).toBe(canonicalJson(first));
    expect(first.agents.map((entry) => entry.agent)).toEqual([
      'fastapi-backend',
      'sql-ddl',
      'openapi',
      'pytest-tests',
      'service-readme',
    ]);
    expect(first.files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['README.md', 'migrations/0001_initial.sqlite.sql']),
    );
  });
});

describe('generate, edit, regenerate with the built-in agents', () => {
  it('merges a brief change and a user edit to the same generated file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qlf-regenerate-'));
    try {
      const service = join(root, 'services', 'shop', 'service');
      const merge = (tree: Awaited<ReturnType<typeof runGenerate>>, ir: ReturnType<typeof sampleIr>) =>
        mergeIntoWorkingCopy(tree, service, {
          localBase: join(root, '.qlf', 'base', 'shop'),
          ir: ir as unknown as Record<string, unknown>,
          generator: { qlf: '1.0.0', provider: 'templates' },
          regenerate: async (recorded) =>
            runGenerate(recorded as unknown as ReturnType<typeof sampleIr>, { qlfVersion: '1.0.0' }),
        });
      const first = await runGenerate(sampleIr(), { qlfVersion: '1.0.0' });
      const initial = (await merge(first, sampleIr())).report;
      expect(initial.written).toEqual(first.files.map((file) => file.path));

      await appendFile(join(service, 'app', 'models.py'), '\n\n# Reporting helpers live in app/reports.py.\n');
      const ir = sampleIr();
      ir.entities[0]?.fields.push({
        name: 'phone',
        type: 'string',
        required: false,
        unique: false,
        origin: 'explicit',
        confidence: 1,
      });
      const second = await runGenerate(ir, { qlfVersion: '1.0.0' });
      const { report } = await merge(second, ir);
      expect(report.merged).toEqual(['app/models.py']);
      expect(report.conflicts).toEqual([]);
      expect(report.written).toEqual(expect.arrayContaining(['README.md', 'migrations/0001_initial.sqlite.sql']));
      // On another machine (no local base, as after a fresh clone) the same regeneration merges the same way.
      await rm(join(root, '.qlf'), { recursive: true, force: true });
      const again = await merge(second, ir);
      expect(again.report).toMatchObject({ kept: ['app/models.py'], conflicts: [], merged: [] });
      expect(again.baseUnknown).toEqual([]);
      const models = await readFile(join(service, 'app', 'models.py'), 'utf8');
      expect(models).toContain('phone = sa.Column(');
      expect(models).toContain('# Reporting helpers live in app/reports.py.');
      expect(await readFile(join(service, 'migrations', '0001_initial.postgresql.sql'), 'utf8')).toContain(
        '"phone" VARCHAR(255)',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
