// A minimal valid IR for tests of code that consumes IRs, built without the compiler.
import { type IR, IR_VERSION, type IREntity, type IRField, irSchema } from '../../schemas/ir.js';

/** An IR field with explicit provenance; override anything. */
export function testField(name: string, overrides: Partial<IRField> = {}): IRField {
  return { name, type: 'string', required: true, unique: false, origin: 'explicit', confidence: 1, ...overrides };
}

/** An IR entity named `name` with the given fields; table and resource follow the simple plural. */
export function testEntity(name: string, fields: IRField[], overrides: Partial<IREntity> = {}): IREntity {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return {
    name,
    table: `${snake}s`,
    resource: `${snake.replace(/_/g, '-')}s`,
    fields,
    origin: 'explicit',
    confidence: 1,
    ...overrides,
  };
}

/** A validated IR for a small service; `overrides` replace top-level keys. */
export function testIR(overrides: Partial<IR> = {}): IR {
  const defaulted = { confidence: 1, origin: 'default' as const };
  return irSchema.parse({
    irVersion: IR_VERSION,
    name: 'test-service',
    description: 'A small service used in tests.',
    domain: { value: 'general', ...defaulted },
    compliance: [],
    stack: {
      backend: { value: 'fastapi', ...defaulted },
      language: { value: 'python', ...defaulted },
      database: { value: 'postgresql', ...defaulted },
      frontend: { value: 'none', ...defaulted },
      deploy: { value: 'docker', ...defaulted },
    },
    entities: [testEntity('Customer', [testField('email', { type: 'email' }), testField('display_name')])],
    relationships: [],
    api: {
      auth: { value: 'none', ...defaulted },
      pagination: { value: 'offset', ...defaulted },
      basePath: '/api',
      endpoints: [],
    },
    ops: { replicas: { value: 1, ...defaulted }, resources: { cpu: '250m', memory: '256Mi' }, scale: {} },
    features: [],
    controls: { minAuth: 'none', tls: false, auditLog: false },
    overlays: { applied: [], suggested: [], decisions: [], rules: [], prompts: {} },
    uses: [],
    warnings: [],
    ...overrides,
  });
}

/** An explicit finding, for overriding IR values in tests: `api: { ...ir.api, auth: explicitFinding('none') }`. */
export function explicitFinding<T>(value: T): { value: T; confidence: number; origin: 'explicit' } {
  return { value, confidence: 1, origin: 'explicit' };
}
