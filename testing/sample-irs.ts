// Named IRs the stage tests share, each built by `testIR`: a shop, a fintech payments API, a clinic, a notes service and
// the orders service of the package fixtures. Every call returns a fresh IR, so a test may mutate it.
import type { IR } from '../schemas/ir.js';
import type { Handling } from '../schemas/overlay.js';
import { finding, type TestIROptions, testEntity, testField, testIR } from './ir.js';

const PAN: Handling = { encryptAtRest: true, tokenize: true, responses: 'mask-last4', logs: 'redact', inList: false };
const FINANCIAL: Handling = { encryptAtRest: true, responses: 'mask-last4', logs: 'redact' };
const PHI: Handling = { encryptAtRest: true, responses: 'full', logs: 'redact', inList: false };
/** Payments, clinic, notes and orders: every finding explicit, on SQLite. */
const EXPLICIT_ON_SQLITE: TestIROptions = { origin: 'explicit', stack: { database: 'sqlite' } };

/**
 * A small but complete shop on PostgreSQL and Kubernetes, with defaulted findings: three entities, a one-to-many, a
 * many-to-many, an enum, money, a PCI-classified field, audit log and idempotency keys.
 */
export function shopIr(): IR {
  return testIR(
    {
      name: 'shop',
      description: 'A small shop: customers place orders for products and pay by card.',
      domain: finding('ecommerce', 'default'),
      compliance: [finding('pci-dss')],
      entities: [
        testEntity('Customer', [
          testField('email', { type: 'email', unique: true, classification: 'pii', handling: { logs: 'redact' } }),
          testField('name', { max: 120 }),
          testField('card_number', {
            required: false,
            classification: 'pan',
            handling: { encryptAtRest: true, responses: 'mask-last4', logs: 'redact', inList: false },
          }),
        ]),
        testEntity('Order', [
          testField('total', { type: 'decimal' }),
          testField('status', { type: 'enum', values: ['pending', 'paid', 'shipped'] }),
          testField('placed_at', { type: 'datetime', required: false }),
          testField('notes', { type: 'text', required: false }),
        ]),
        testEntity('Product', [
          testField('sku', { unique: true, max: 32 }),
          testField('price', { type: 'decimal' }),
          testField('active', { type: 'boolean' }),
          testField('attributes', { type: 'json', required: false }),
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
      api: {
        auth: finding('jwt', 'default'),
        pagination: finding('offset', 'default'),
        basePath: '/api/v1',
        endpoints: [],
      },
      ops: { replicas: finding(2, 'default'), resources: { cpu: '500m', memory: '512Mi' }, scale: {} },
      features: [{ ...finding('audit-log', 'overlay'), source: 'pci-dss' }],
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
            digest: `sha256:${'0'.repeat(64)}`,
            reason: 'explicit',
            confidence: 1,
          },
        ],
        suggested: [],
        decisions: [],
        rules: [],
        prompts: {},
      },
    },
    { stack: { deploy: 'kubernetes' } },
  );
}

/** `ir` with list endpoints paged as `mode` says, as a brief's `api: { pagination: … }` asks. */
export function withPagination(ir: IR, mode: IR['api']['pagination']['value']): IR {
  ir.api.pagination = finding(mode);
  return ir;
}

/** Fintech shop: PCI card numbers, GDPR data subjects, idempotent decimal money, JWT auth, rate limit, m2m. */
export function paymentsIr(): IR {
  const many = (from: string, to: string, foreignKey: string, required: boolean) =>
    ({ from, to, kind: 'one-to-many', foreignKey, required, origin: 'explicit', confidence: 1 }) as const;
  return testIR(
    {
      name: 'payments',
      description: 'A payments API where customers place orders for products and pay by card.',
      domain: finding('fintech'),
      compliance: [finding('gdpr'), finding('pci-dss')],
      entities: [
        testEntity('Customer', [
          testField('name', { max: 120 }),
          testField('email', { type: 'email', unique: true, classification: 'pii', handling: { logs: 'redact' } }),
          testField('tier', { type: 'enum', values: ['basic', 'gold'], required: false }),
        ]),
        testEntity('Product', [
          testField('sku', { unique: true, max: 32 }),
          testField('price', { type: 'decimal', min: 0 }),
          testField('active', { type: 'boolean' }),
        ]),
        testEntity('Order', [
          testField('total', { type: 'decimal', min: 0 }),
          testField('placed_on', { type: 'date' }),
          testField('note', { type: 'text', required: false }),
        ]),
        testEntity('Payment', [
          testField('amount', { type: 'decimal', min: 0 }),
          testField('currency', { min: 3, max: 3 }),
          testField('card_number', { unique: true, classification: 'pan', handling: PAN }),
          testField('status', { type: 'enum', values: ['pending', 'settled', 'failed'] }),
        ]),
        testEntity('ConsentRecord', [
          testField('subject_id', { origin: 'overlay' }),
          testField('purpose'),
          testField('lawful_basis', { type: 'enum', values: ['consent', 'contract', 'legal-obligation'] }),
          testField('granted', { type: 'boolean' }),
          testField('granted_at', { type: 'datetime' }),
          testField('withdrawn_at', { type: 'datetime', required: false }),
        ]),
        testEntity('Account', [
          testField('holder'),
          testField('iban', { classification: 'financial', handling: FINANCIAL }),
        ]),
        testEntity('AuditEvent', [
          testField('actor'),
          testField('action'),
          testField('resource'),
          testField('resource_id'),
          testField('occurred_at', { type: 'datetime' }),
          testField('outcome', { type: 'enum', values: ['success', 'failure'] }),
          testField('source_ip'),
          testField('details', { type: 'json', required: false }),
        ]),
      ],
      relationships: [
        many('Customer', 'Order', 'customer_id', true),
        many('Order', 'Payment', 'order_id', true),
        many('Customer', 'Account', 'owner_id', false),
        {
          from: 'Order',
          to: 'Product',
          kind: 'many-to-many',
          joinTable: 'order_products',
          required: false,
          origin: 'explicit',
          confidence: 1,
        },
      ],
      api: {
        auth: finding('jwt'),
        pagination: finding('offset'),
        basePath: '/api/v1',
        endpoints: [
          {
            id: 'gdpr-export',
            method: 'GET',
            path: '/data-subjects/{subject_id}/export',
            description: 'Export every record about a data subject',
            source: 'gdpr',
          },
          {
            id: 'gdpr-erasure',
            method: 'DELETE',
            path: '/data-subjects/{subject_id}',
            description: 'Erase a data subject',
            source: 'gdpr',
          },
        ],
      },
      controls: {
        minAuth: 'jwt',
        tls: true,
        auditLog: true,
        idempotencyKeys: true,
        decimalMoney: true,
        encryptionAtRest: true,
        dataExport: true,
        dataErasure: true,
        consentRecords: true,
        retentionDays: 30,
        rateLimitPerMinute: 120,
      },
    },
    EXPLICIT_ON_SQLITE,
  );
}

/** Clinic: HIPAA PHI (encrypted, left out of lists), API-key auth, an optional foreign key, no idempotency. */
export function clinicIr(): IR {
  const many = (from: string, foreignKey: string, required: boolean) =>
    ({
      from,
      to: 'Appointment',
      kind: 'one-to-many',
      foreignKey,
      required,
      origin: 'explicit',
      confidence: 1,
    }) as const;
  return testIR(
    {
      name: 'clinic',
      description: 'A clinic records patients, doctors and appointments.',
      domain: finding('healthcare'),
      compliance: [finding('hipaa')],
      entities: [
        testEntity('Patient', [
          testField('full_name'),
          testField('mrn', { unique: true, pattern: '^MRN[0-9]{6}$' }),
          testField('diagnosis', { type: 'text', classification: 'phi', handling: PHI }),
          testField('birth_date', { type: 'date', required: false, classification: 'phi', handling: PHI }),
        ]),
        testEntity('AccessLog', [
          testField('actor'),
          testField('action', { type: 'enum', values: ['read', 'create', 'update', 'delete', 'export'] }),
          testField('resource'),
          testField('resource_id'),
          testField('accessed_at', { type: 'datetime' }),
          testField('purpose', { type: 'text', required: false }),
        ]),
        testEntity('Doctor', [testField('name'), testField('license_url', { type: 'url', required: false })]),
        testEntity('Appointment', [
          testField('scheduled_at', { type: 'datetime' }),
          testField('duration_minutes', { type: 'integer', min: 5, max: 240 }),
          testField('metadata', { type: 'json', required: false }),
          testField('visit_id', { type: 'uuid' }),
        ]),
      ],
      relationships: [many('Patient', 'patient_id', true), many('Doctor', 'doctor_id', false)],
      api: { auth: finding('api-key'), pagination: finding('offset'), basePath: '/api/v1', endpoints: [] },
      controls: { minAuth: 'api-key', tls: true, auditLog: true, encryptionAtRest: true, retentionDays: 2190 },
    },
    EXPLICIT_ON_SQLITE,
  );
}

/** The smallest service: one entity, no auth, no overlays, no base path. */
export function notesIr(): IR {
  return testIR(
    {
      name: 'notes',
      description: 'A notes service.',
      entities: [
        testEntity('Note', [
          testField('title', { unique: true }),
          testField('body', { type: 'text', required: false }),
          testField('pinned', { type: 'boolean', required: false }),
        ]),
      ],
      api: { auth: finding('none'), pagination: finding('offset'), basePath: '', endpoints: [] },
    },
    EXPLICIT_ON_SQLITE,
  );
}

/** The orders service of the package fixtures (`makeServiceDir`): one entity with an overlay-added card number. */
export function ordersIr(name = 'orders'): IR {
  return testIR(
    {
      name,
      description: 'An orders API where customers <place> orders & pay by card.',
      domain: finding('ecommerce'),
      compliance: [finding('pci-dss')],
      entities: [
        testEntity('Order', [
          testField('total', { type: 'decimal' }),
          testField('card_number', {
            classification: 'pan',
            handling: { encryptAtRest: true, responses: 'mask-last4', logs: 'redact' },
            origin: 'overlay',
            source: 'pci',
          }),
        ]),
      ],
      api: { auth: finding('jwt'), pagination: finding('offset'), basePath: '/api/v1', endpoints: [] },
      ops: { replicas: finding(2), resources: { cpu: '250m', memory: '256Mi' }, scale: {} },
      features: [finding('payments')],
      controls: { minAuth: 'jwt', tls: true, auditLog: true, rateLimitPerMinute: 120 },
      overlays: {
        applied: [
          {
            name: 'pci',
            version: '1.0.0',
            type: 'compliance',
            priority: 80,
            digest: 'a'.repeat(64),
            reason: 'explicit',
            confidence: 1,
          },
        ],
        suggested: [],
        decisions: [],
        rules: [],
        prompts: {},
      },
    },
    EXPLICIT_ON_SQLITE,
  );
}
