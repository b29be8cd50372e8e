// Test support: the one builder of valid IRs for tests of code that consumes them, without the compiler.
import type { Origin } from '../schemas/common.js';
import { type IR, IR_VERSION, type IREntity, type IRField, irSchema } from '../schemas/ir.js';

/** A finding with full confidence: `api: { ...ir.api, auth: finding('none') }`. */
export function finding<T>(value: T, origin: Origin = 'explicit'): { value: T; confidence: number; origin: Origin } {
  return { value, confidence: 1, origin };
}

/** An IR field with explicit provenance, a required non-unique string unless `overrides` say otherwise. */
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

type StackChoice = { [K in keyof IR['stack']]?: IR['stack'][K]['value'] };

export interface TestIROptions {
  /**
   * Provenance of the findings the builder fills in (domain, stack, auth, pagination, replicas).
   * @default 'default'
   */
  origin?: Origin;
  /**
   * Stack choices that replace the builder's; the rest stay.
   * @default FastAPI and Python on PostgreSQL, no frontend, deployed with Docker
   */
  stack?: StackChoice;
}

/** A validated IR for a small service; `overrides` replace top-level keys. A fresh IR every call: tests may mutate it. */
export function testIR(overrides: Partial<IR> = {}, options: TestIROptions = {}): IR {
  const origin = options.origin ?? 'default';
  const stack: Required<StackChoice> = {
    backend: 'fastapi',
    language: 'python',
    database: 'postgresql',
    frontend: 'none',
    deploy: 'docker',
    ...options.stack,
  };
  return irSchema.parse({
    irVersion: IR_VERSION,
    name: 'test-service',
    description: 'A small service used in tests.',
    domain: finding('general', origin),
    compliance: [],
    stack: {
      backend: finding(stack.backend, origin),
      language: finding(stack.language, origin),
      database: finding(stack.database, origin),
      frontend: finding(stack.frontend, origin),
      deploy: finding(stack.deploy, origin),
    },
    entities: [testEntity('Customer', [testField('email', { type: 'email' }), testField('display_name')])],
    relationships: [],
    api: { auth: finding('none', origin), pagination: finding('offset', origin), basePath: '/api', endpoints: [] },
    ops: { replicas: finding(1, origin), resources: { cpu: '250m', memory: '256Mi' }, scale: {} },
    features: [],
    controls: { minAuth: 'none', tls: false, auditLog: false },
    overlays: { applied: [], suggested: [], decisions: [], rules: [], prompts: {} },
    uses: [],
    warnings: [],
    ...overrides,
  });
}
