// A small but complete IR for the generate stage's tests: three entities, a one-to-many, a many-to-many, an enum, money,
// a PCI-classified field, audit log and idempotency keys. Tests tweak a fresh copy rather than sharing one.
import type { IR, IREntity, IRField } from '../../../schemas/ir.js';

function field(name: string, type: IRField['type'], extra: Partial<IRField> = {}): IRField {
  return { name, type, required: true, unique: false, origin: 'explicit', confidence: 1, ...extra };
}

function entity(name: string, table: string, resource: string, fields: IRField[]): IREntity {
  return { name, table, resource, fields, origin: 'explicit', confidence: 1 };
}

const def = <T>(value: T) => ({ value, confidence: 1, origin: 'default' as const });

/** A fresh IR every call, so a test may mutate it. */
export function sampleIr(): IR {
  return {
    irVersion: 'qlf.dev/ir/v1',
    name: 'shop',
    description: 'A small shop: customers place orders for products and pay by card.',
    domain: def('ecommerce'),
    compliance: [{ value: 'pci-dss', confidence: 1, origin: 'explicit' }],
    stack: {
      backend: def('fastapi'),
      language: def('python'),
      database: def('postgresql'),
      frontend: def('none'),
      deploy: def('kubernetes'),
    },
    entities: [
      entity('Customer', 'customers', 'customers', [
        field('email', 'email', { unique: true, classification: 'pii', handling: { logs: 'redact' } }),
        field('name', 'string', { max: 120 }),
        field('card_number', 'string', {
          required: false,
          classification: 'pan',
          handling: { encryptAtRest: true, responses: 'mask-last4', logs: 'redact', inList: false },
        }),
      ]),
      entity('Order', 'orders', 'orders', [
        field('total', 'decimal'),
        field('status', 'enum', { values: ['pending', 'paid', 'shipped'] }),
        field('placed_at', 'datetime', { required: false }),
        field('notes', 'text', { required: false }),
      ]),
      entity('Product', 'products', 'products', [
        field('sku', 'string', { unique: true, max: 32 }),
        field('price', 'decimal'),
        field('active', 'boolean'),
        field('attributes', 'json', { required: false }),
      ]),
    ],
    relationships: [
      {
        from: 'Customer',
        to: 'Order',
        kind: 'one-to-many',
        foreignKey: 'customer_id',
        required: true,
        origin: 'inferred',
        confidence: 0.9,
      },
      {
        from: 'Order',
        to: 'Product',
        kind: 'many-to-many',
        joinTable: 'order_products',
        required: false,
        origin: 'inferred',
        confidence: 0.8,
      },
    ],
    api: { auth: def('jwt'), pagination: def('offset'), basePath: '/api/v1', endpoints: [] },
    ops: { replicas: def(2), resources: { cpu: '500m', memory: '512Mi' }, scale: {} },
    features: [{ value: 'audit-log', confidence: 1, origin: 'overlay', source: 'pci-dss' }],
    controls: {
      minAuth: 'jwt',
      tls: true,
      auditLog: true,
      idempotencyKeys: true,
      decimalMoney: true,
      encryptionAtRest: true,
      rateLimitPerMinute: 120,
    },
    overlays: {
      applied: [
        {
          name: 'pci-dss',
          version: '1.0.0',
          type: 'compliance',
          priority: 90,
          digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
          reason: 'explicit',
          confidence: 1,
        },
      ],
      suggested: [],
      decisions: [],
      rules: [],
      prompts: {},
    },
    uses: [],
    warnings: [],
  };
}
