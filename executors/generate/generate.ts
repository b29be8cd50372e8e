// The generate stage: IR → GeneratedTree, by running one chosen agent per artifact kind. Pure: writes nothing.
import { workError } from '../../core/errors.js';
import { qlfVersion } from '../../core/package-info.js';
import type { GeneratedFile, GeneratedTree } from '../../schemas/generated-tree.js';
import type { IR } from '../../schemas/ir.js';
import type { MigrationSchema } from '../../schemas/migration-schema.js';
import { ALL_AGENTS } from './agents/index.js';
import type { AgentContext, GeneratorAgent } from './lib/agent.js';
import { migrationSchema } from './lib/migrations/schema-model.js';
import { SQL_DATABASES } from './lib/physical-model.js';
import { selectAgents } from './lib/registry.js';
import { assertSafeRelativePath } from './lib/relative-path.js';

function byPath(a: GeneratedFile, b: GeneratedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Fails when two agents emit the same path, or one emits `a` and another `a/b` (a file cannot also be a folder). */
function assertNoClashes(files: GeneratedFile[]): void {
  const owner = new Map<string, string>();
  for (const file of files) {
    const previous = owner.get(file.path);
    if (previous !== undefined) {
      throw workError(
        'E_GENERATED_CLASH',
        `agents ${previous} and ${file.agent} both generate ${JSON.stringify(file.path)}`,
        {
          hint: 'Each generated path must belong to exactly one agent.',
        },
      );
    }
    owner.set(file.path, file.agent);
  }
  for (const file of files) {
    const segments = file.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      const other = owner.get(folder);
      if (other !== undefined) {
        throw workError(
          'E_GENERATED_CLASH',
          `${other} generates the file ${JSON.stringify(folder)} but ${file.agent} puts ${JSON.stringify(file.path)} inside it`,
        );
      }
    }
  }
}

/**
 * Runs the agents chosen for `ir` and returns their files sorted by path. `agents` defaults to every built-in agent;
 * tests pass their own list.
 */
export async function runGenerate(
  ir: IR,
  ctx: Partial<AgentContext> = {},
  agents: readonly GeneratorAgent[] = ALL_AGENTS,
): Promise<GeneratedTree> {
  const context: AgentContext = { qlfVersion: ctx.qlfVersion ?? qlfVersion() };
  const selected = selectAgents(ir, agents);
  const files: GeneratedFile[] = [];
  for (const { agent } of selected) {
    for (const file of agent.generate(ir, context)) {
      assertSafeRelativePath(file.path, `agent ${agent.name}`);
      files.push({ ...file, agent: agent.name });
    }
  }
  assertNoClashes(files);
  files.sort(byPath);
  return {
    name: ir.name,
    files,
    agents: selected.map(({ kind, agent, score }) => ({ kind, agent: agent.name, score })),
  };
}

/**
 * Generates the tree of an IR recorded earlier (a working copy's lock), to recover a merge base. An IR this version of
 * qlf cannot read gives an empty tree: the merge then goes on without that base.
 */
export async function generateFromRecordedIr(ir: Record<string, unknown>): Promise<GeneratedTree> {
  const { irSchema } = await import('../../schemas/ir.js');
  const parsed = irSchema.safeParse(ir);
  return parsed.success ? runGenerate(parsed.data) : { name: '', files: [], agents: [] };
}

/**
 * The schema the service's Alembic revisions must build, for services that have them (the FastAPI backend on a SQL
 * database); the merge writes the next revision when it differs from the one the working copy's lock records.
 */
export function migrationSchemaOf(ir: IR): MigrationSchema | undefined {
  const sql = (SQL_DATABASES as readonly string[]).includes(ir.stack.database.value);
  return ir.stack.backend.value === 'fastapi' && sql ? migrationSchema(ir) : undefined;
}
