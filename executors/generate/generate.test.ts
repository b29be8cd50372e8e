import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.js';
import { qlfVersion } from '../../core/package-info.js';
import { generatedTreeSchema } from '../../schemas/generated-tree.js';
import { shopIr } from '../../testing/sample-irs.js';
import { migrationSchemaOf, runGenerate } from './generate.js';
import { ARTIFACT_KINDS, type ArtifactKind, type GeneratorAgent } from './lib/agent.js';
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
      shopIr(),
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
    const tree = await runGenerate(shopIr(), {}, agents({ docs: ['README.md'] }));
    expect(tree.files[0]?.content).toBe(`docs-agent ${qlfVersion()}\n`);
  });

  it.each([['../outside.py'], ['/etc/passwd'], ['app/../../x'], ['app//x.py'], ['./x'], ['C:/x'], ['a\\b']])(
    'refuses the unsafe path %j',
    async (path) => {
      await expect(runGenerate(shopIr(), {}, agents({ backend: [path] }))).rejects.toMatchObject({
        code: 'E_GENERATED_PATH',
        kind: 'work',
      });
    },
  );

  it.each([
    ['the same path from two agents', { backend: ['app/x.py'], api: ['app/x.py'] }, /both generate "app\/x.py"/],
    ['a file where another agent needs a folder', { backend: ['app'], api: ['app/x.py'] }, /inside it/],
  ])('refuses %s', async (_name, paths, message) => {
    await expect(runGenerate(shopIr(), {}, agents(paths))).rejects.toMatchObject({
      code: 'E_GENERATED_CLASH',
      message: expect.stringMatching(message),
    });
  });

  it('turns the same IR into byte-identical trees with the built-in agents', async () => {
    const first = await runGenerate(shopIr(), { qlfVersion: '1.2.3' });
    const second = await runGenerate(shopIr(), { qlfVersion: '1.2.3' });
    expect(second).toEqual(first);
    expect(canonicalJson(second)).toBe(canonicalJson(first));
    expect(first.agents.map((entry) => entry.agent)).toEqual([
      'fastapi-backend',
      'alembic',
      'openapi',
      'pytest-tests',
      'service-readme',
    ]);
    const paths = first.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining(['README.md', 'alembic.ini', 'migrations/env.py', 'migrations/script.py.mako']),
    );
    expect(first.files.filter((file) => file.path.startsWith('migrations/')).map((file) => file.agent)).toEqual([
      'alembic',
      'alembic',
    ]);
    // Revisions are written by the merge into the working copy (they depend on the lock), never by the generator.
    expect(paths.filter((path) => path.startsWith('migrations/versions/') || path.endsWith('.sql'))).toEqual([]);
  });
});

describe('generate, edit, regenerate with the built-in agents', () => {
  it('merges a brief change and a user edit to the same generated file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qlf-regenerate-'));
    try {
      const service = join(root, 'services', 'shop', 'service');
      const merge = (tree: Awaited<ReturnType<typeof runGenerate>>, ir: ReturnType<typeof shopIr>) =>
        mergeIntoWorkingCopy(tree, service, {
          localBase: join(root, '.qlf', 'base', 'shop'),
          ir: ir as unknown as Record<string, unknown>,
          generator: { qlf: '1.0.0', provider: 'templates' },
          regenerate: async (recorded) =>
            runGenerate(recorded as unknown as ReturnType<typeof shopIr>, { qlfVersion: '1.0.0' }),
          schema: migrationSchemaOf(ir),
        });
      const first = await runGenerate(shopIr(), { qlfVersion: '1.0.0' });
      const initialOutcome = await merge(first, shopIr());
      const initial = initialOutcome.report;
      expect(initial.written).toEqual(first.files.map((file) => file.path));
      expect(initialOutcome.revision).toEqual({
        path: 'migrations/versions/0001_initial.py',
        message: 'initial schema',
        warnings: [],
      });

      await appendFile(join(service, 'app', 'models.py'), '\n\n# Reporting helpers live in app/reports.py.\n');
      const ir = shopIr();
      ir.entities[0]?.fields.push({
        name: 'phone',
        type: 'string',
        required: false,
        unique: false,
        origin: 'explicit',
        confidence: 1,
      });
      const second = await runGenerate(ir, { qlfVersion: '1.0.0' });
      const { report, revision } = await merge(second, ir);
      expect(report.merged).toEqual(['app/models.py']);
      expect(report.conflicts).toEqual([]);
      expect(report.written).toEqual(expect.arrayContaining(['README.md', 'app/schemas.py']));
      expect(revision).toEqual({
        path: 'migrations/versions/0002_add_customers_phone.py',
        message: 'add customers.phone',
        warnings: [],
      });
      // On another machine (no local base, as after a fresh clone) the same regeneration merges the same way.
      await rm(join(root, '.qlf'), { recursive: true, force: true });
      const again = await merge(second, ir);
      expect(again.report).toMatchObject({ kept: ['app/models.py'], conflicts: [], merged: [] });
      expect(again.baseUnknown).toEqual([]);
      expect(again.revision).toBeUndefined(); // the lock records the schema the revisions build
      const models = await readFile(join(service, 'app', 'models.py'), 'utf8');
      expect(models).toContain('phone = sa.Column(');
      expect(models).toContain('# Reporting helpers live in app/reports.py.');
      // The first revision is left as it was written; the change comes in the next one.
      const initialRevision = await readFile(join(service, 'migrations', 'versions', '0001_initial.py'), 'utf8');
      expect(initialRevision).toContain('down_revision = None');
      expect(initialRevision).not.toContain('"phone"');
      const addPhone = await readFile(join(service, 'migrations', 'versions', '0002_add_customers_phone.py'), 'utf8');
      expect(addPhone).toContain('down_revision = "0001"');
      expect(addPhone).toContain('batch_op.add_column(sa.Column("phone", sa.String(255), nullable=True))');
      expect(addPhone).toContain('batch_op.drop_column("phone")');
      const lock = JSON.parse(await readFile(join(service, 'qlf.lock.json'), 'utf8'));
      expect(lock.migrations.revisions).toEqual([
        { id: '0001', path: 'migrations/versions/0001_initial.py' },
        { id: '0002', path: 'migrations/versions/0002_add_customers_phone.py' },
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
