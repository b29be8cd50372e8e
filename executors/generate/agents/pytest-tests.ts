// The pytest agent: a test suite for the generated FastAPI service: CRUD per entity, every overlay effect, auth, health,
// metrics.
import type { IR } from '../../../schemas/ir.js';
import type { AgentContext, GeneratorAgent } from '../lib/agent.js';
import { type FastapiView, fastapiView, type ViewEntity, type ViewField } from '../lib/fastapi-view.js';
import { renderTemplate } from '../lib/render.js';
import { invalidValue, pyLiteral, SAMPLE_VARIANTS, sampleValue } from '../lib/sample-values.js';

const COMPARABLE_TYPES = ['string', 'text', 'integer', 'boolean', 'enum', 'email', 'url', 'uuid', 'decimal', 'date'];

function comparable(field: ViewField): boolean {
  return field.response === 'full' && COMPARABLE_TYPES.includes(field.type);
}

/** A field to filter by: its sample value as a Python literal, and as the query string sends it. */
interface FilterCase {
  field: string;
  value: string;
  param: string;
}

function filterCase(field: ViewField | undefined): FilterCase | undefined {
  const value = field ? sampleValue(field, 0) : undefined;
  if (!field || value === undefined) return undefined;
  return { field: field.name, value: pyLiteral(value), param: pyLiteral(String(value)) };
}

export interface EntityTestView {
  entity: ViewEntity;
  /** Python literal per variant (fields only; foreign keys are filled in by the factory). */
  samples: string[];
  comparable: string[];
  unique: string[];
  missingField?: string;
  invalid?: { field: string; value: string };
  update?: { field: string; value: string };
  filter?: FilterCase;
  /** A filter two records can share (not unique), so a filtered cursor walk spans several pages. */
  sharedFilter?: FilterCase;
  requiredNames: string[];
}

function entityTests(entity: ViewEntity): EntityTestView {
  const samples = Array.from({ length: SAMPLE_VARIANTS }, (_, n) => {
    const entries = entity.fields.map((field) => [field.name, sampleValue(field, n)] as const);
    return pyLiteral(Object.fromEntries(entries));
  });
  const invalidField = entity.fields.find((field) => invalidValue(field) !== undefined);
  const updateField = entity.fields.find((field) => comparable(field) && !field.unique);
  const filterField = entity.fields.find((field) => field.filterable && comparable(field));
  const sharedFilterField = entity.fields.find((field) => field.filterable && comparable(field) && !field.unique);
  const firstRequired =
    entity.fields.find((field) => field.required)?.name ?? entity.foreignKeys.find((fk) => fk.required)?.column;
  return {
    entity,
    samples,
    comparable: entity.fields.filter(comparable).map((field) => field.name),
    unique: entity.fields.filter((field) => field.unique).map((field) => field.name),
    missingField: firstRequired,
    invalid: invalidField
      ? { field: invalidField.name, value: pyLiteral(invalidValue(invalidField) ?? null) }
      : undefined,
    update: updateField ? { field: updateField.name, value: pyLiteral(sampleValue(updateField, 5)) } : undefined,
    filter: filterCase(filterField),
    sharedFilter: filterCase(sharedFilterField),
    requiredNames: entity.fields.filter((field) => field.required).map((field) => field.name),
  };
}

/** Python literals the hostile-input suite (`tests/test_hostile.py`) is generated with. */
export function hostileView(view: FastapiView): { secrets: string; decimals: string; hasDecimals: boolean } {
  const secrets = new Set<string>();
  for (const entity of view.entities) {
    for (const field of entity.fields.filter((f) => f.classification && f.response !== 'full')) {
      for (let n = 0; n < SAMPLE_VARIANTS; n++) {
        const value = sampleValue(field, n);
        // Short values (a `true`, a `7`) would match unrelated text; the suite looks for the ones it can tell apart.
        if (value !== undefined && value !== null && String(value).length >= 6) secrets.add(String(value));
      }
    }
  }
  const bound = (value: number | undefined) =>
    value === undefined ? 'None' : `Decimal(${JSON.stringify(String(value))})`;
  const decimals = view.entities
    .filter((entity) => !entity.readOnly)
    .map((entity) => {
      const fields = entity.fields.filter((f) => f.type === 'decimal' && f.response === 'full' && !f.unique);
      const entries = fields.map((f) => `${JSON.stringify(f.name)}: (${bound(f.min)}, ${bound(f.max)})`);
      return fields.length > 0 ? `${JSON.stringify(entity.resource)}: {${entries.join(', ')}}` : undefined;
    })
    .filter((entry): entry is string => entry !== undefined);
  return {
    secrets: `[${[...secrets]
      .sort()
      .map((secret) => JSON.stringify(secret))
      .join(', ')}]`,
    decimals: `{${decimals.join(', ')}}`,
    hasDecimals: decimals.length > 0,
  };
}

/** Everything the test templates need beyond the backend view. */
export function testView(view: FastapiView) {
  const tests = view.entities.map(entityTests);
  const encrypted = view.entities.flatMap((entity) =>
    entity.fields
      .filter((field) => field.encrypted)
      .map((field) => ({ entity, field, clear: pyLiteral(sampleValue(field, 0)) })),
  );
  const audited = view.entities.find((entity) => entity.audited);
  const decimal = view.entities.flatMap((entity) =>
    entity.fields.filter((field) => field.type === 'decimal').map((field) => ({ entity, field })),
  )[0];
  return {
    tests,
    encrypted,
    audited,
    idempotent: view.entities.find((entity) => entity.idempotent),
    decimal,
    purgeable: view.entities.find((entity) => entity.classified),
    samplesVariants: SAMPLE_VARIANTS,
    hostile: hostileView(view),
  };
}

export function testFiles(ir: IR, ctx: AgentContext): { path: string; content: string }[] {
  const view = fastapiView(ir, ctx.qlfVersion);
  const extra = testView(view);
  const data = { ...view, ...extra };
  const files = [
    { path: 'tests/__init__.py', content: `${view.header}\n` },
    { path: 'tests/conftest.py', content: renderTemplate('fastapi/tests/conftest.py.eta', data) },
    { path: 'tests/contract.py', content: renderTemplate('fastapi/tests/contract.py.eta', data) },
    { path: 'tests/test_hostile.py', content: renderTemplate('fastapi/tests/test_hostile.py.eta', data) },
    { path: 'tests/samples.py', content: renderTemplate('fastapi/tests/samples.py.eta', data) },
    { path: 'tests/test_health.py', content: renderTemplate('fastapi/tests/test_health.py.eta', data) },
    { path: 'tests/test_metrics.py', content: renderTemplate('fastapi/tests/test_metrics.py.eta', data) },
    { path: 'tests/test_overlays.py', content: renderTemplate('fastapi/tests/test_overlays.py.eta', data) },
  ];
  if (view.authEnabled) {
    files.push({ path: 'tests/test_auth.py', content: renderTemplate('fastapi/tests/test_auth.py.eta', data) });
  }
  for (const t of extra.tests) {
    files.push({
      path: `tests/test_${t.entity.module}.py`,
      content: renderTemplate(`fastapi/tests/${t.entity.readOnly ? 'test_read_only_entity' : 'test_entity'}.py.eta`, {
        ...data,
        t,
      }),
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const pytestTests: GeneratorAgent = {
  name: 'pytest-tests',
  kind: 'tests',
  score: (ir) => (ir.stack.backend.value === 'fastapi' ? 100 : 0),
  generate: (ir, ctx) => testFiles(ir, ctx),
};

export default pytestTests;
