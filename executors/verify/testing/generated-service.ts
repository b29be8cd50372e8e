// Test support: compiles the payments brief, generates its service into a temp folder, and describes its CRUD routes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOverlayRegistry } from '../../../overlays/index.js';
import type { IR, IREntity, IRField } from '../../../schemas/ir.js';
import { runCompile } from '../../compile/compile.js';
import { generateInto } from '../../generate/fixtures/generate-into.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/payments/brief.qlf.yaml', import.meta.url));

export interface GeneratedService {
  ir: IR;
  dir: string;
  remove(): Promise<void>;
}

export async function generatePaymentsService(): Promise<GeneratedService> {
  const text = await readFile(EXAMPLE, 'utf8');
  const overlays = await loadOverlayRegistry([]);
  const { ir } = await runCompile({ source: { text, file: EXAMPLE }, overlays, autoApplyThreshold: 0.7 });
  const root = await mkdtemp(join(tmpdir(), 'qlf-generated-'));
  const dir = join(root, 'service');
  try {
    await generateInto(ir, dir, join(root, 'base'));
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return { ir, dir, remove: () => rm(root, { recursive: true, force: true }) };
}

/** An entity that can be created on its own (no required foreign key to another entity), preferably without patterns. */
export function standaloneEntity(ir: IR): IREntity {
  const needsParent = new Set(
    ir.relationships.filter((rel) => rel.required && rel.kind !== 'many-to-many').map((rel) => rel.to),
  );
  const candidates = ir.entities.filter((candidate) => !needsParent.has(candidate.name) && candidate.fields.length > 0);
  // Sample values cannot satisfy arbitrary patterns, so an entity without them is preferred.
  const entity = candidates.find((candidate) => candidate.fields.every((field) => !field.pattern)) ?? candidates[0];
  if (!entity) throw new Error(`${ir.name} has no entity that can be created without a parent`);
  return entity;
}

/** A valid value for a field, by type and classification. */
export function sampleValue(field: IRField, seed: number): unknown {
  if (field.values?.length) return field.values[0];
  switch (field.type) {
    case 'integer':
      return Math.max(field.min ?? 1, 1) + seed;
    case 'decimal':
      return String(Math.max(field.min ?? 0, 12.5));
    case 'boolean':
      return true;
    case 'date':
      return '2024-01-15';
    case 'datetime':
      return '2024-01-15T10:00:00+00:00';
    case 'uuid':
      return `00000000-0000-4000-8000-${String(seed).padStart(12, '0')}`;
    case 'email':
      return `user${seed}@example.com`;
    case 'url':
      return `https://example.com/${seed}`;
    case 'json':
      return { seed };
    default:
      if (field.classification === 'pan') return '4111111111111111';
      if (field.name === 'currency') return 'EUR';
      return `value ${seed}`.slice(0, field.max ?? 64);
  }
}

/** A create body holding every field of `entity`; throws when a sample misses a field's pattern. */
export function createBody(entity: IREntity, seed = 1): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of entity.fields) {
    const value = sampleValue(field, seed);
    if (field.pattern && !new RegExp(field.pattern).test(String(value))) {
      throw new Error(`no sample value for ${entity.name}.${field.name} matches /${field.pattern}/`);
    }
    body[field.name] = value;
  }
  return body;
}

/** Required parents of `entity`: the one-side entity and the foreign-key column that points at it. */
export function requiredParents(ir: IR, entity: IREntity): Array<{ parent: IREntity; foreignKey: string }> {
  return ir.relationships
    .filter((rel) => rel.to === entity.name && rel.required && rel.foreignKey && rel.kind !== 'many-to-many')
    .map((rel) => ({
      parent: ir.entities.find((candidate) => candidate.name === rel.from)!,
      foreignKey: rel.foreignKey!,
    }))
    .filter((entry) => entry.parent !== undefined);
}

/** A field a PATCH can change visibly: an unclassified string, else an integer. */
export function updatableField(entity: IREntity): IRField | undefined {
  const plain = entity.fields.filter((field) => !field.classification && !field.unique && !field.values?.length);
  return (
    plain.find((field) => field.type === 'string' || field.type === 'text') ??
    plain.find((field) => field.type === 'integer')
  );
}
