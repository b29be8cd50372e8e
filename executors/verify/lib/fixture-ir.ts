// The IR of the hand-written fixture service (fixtures/good-service), for tests: a payments API with a PAN field.
import { type IR, IR_VERSION, irSchema } from '../../../schemas/ir.js';

const explicit = { origin: 'explicit' as const, confidence: 1 };

export function fixtureIr(rules: IR['overlays']['rules'] = []): IR {
  return irSchema.parse({
    irVersion: IR_VERSION,
    name: 'payments',
    description: 'Takes card payments.',
    domain: { value: 'fintech', ...explicit },
    compliance: [{ value: 'pci-dss', ...explicit }],
    stack: {
      backend: { value: 'fastapi', ...explicit },
      language: { value: 'python', ...explicit },
      database: { value: 'sqlite', ...explicit },
      frontend: { value: 'none', ...explicit },
      deploy: { value: 'none', ...explicit },
    },
    entities: [
      {
        name: 'Payment',
        table: 'payments',
        resource: 'payments',
        ...explicit,
        fields: [
          { name: 'amount', type: 'decimal', required: true, unique: false, ...explicit },
          {
            name: 'card_number',
            type: 'string',
            required: true,
            unique: false,
            classification: 'pan',
            handling: { encryptAtRest: true, responses: 'mask-last4', logs: 'redact' },
            ...explicit,
          },
        ],
      },
    ],
    relationships: [],
    api: {
      auth: { value: 'none', ...explicit },
      pagination: { value: 'none', ...explicit },
      basePath: '/',
      endpoints: [{ id: 'health', method: 'GET', path: '/health', description: 'Liveness.', source: 'core' }],
    },
    ops: { replicas: { value: 1, ...explicit }, resources: { cpu: '250m', memory: '256Mi' }, scale: {} },
    features: [],
    controls: { minAuth: 'none', tls: false, auditLog: false },
    overlays: { applied: [], suggested: [], decisions: [], rules, prompts: {} },
    uses: [],
    warnings: [],
  });
}

/** The PCI rules the pci-dss overlay attaches. */
export const PCI_RULES: IR['overlays']['rules'] = [
  {
    id: 'pan-encrypted',
    description: 'Card numbers are encrypted at rest',
    severity: 'error',
    source: 'pci-dss',
    check: { kind: 'classified-field-encrypted', classification: 'pan' },
  },
  {
    id: 'pan-masked',
    description: 'Card numbers are masked in responses',
    severity: 'error',
    source: 'pci-dss',
    check: { kind: 'classified-field-masked', classification: 'pan' },
  },
  {
    id: 'health-endpoint',
    description: 'The service has a health endpoint',
    severity: 'error',
    source: 'pci-dss',
    check: { kind: 'endpoint-present', endpoint: 'health' },
  },
  {
    id: 'payment-entity',
    description: 'Payments are modelled',
    severity: 'error',
    source: 'pci-dss',
    check: { kind: 'entity-present', entity: 'Payment' },
  },
  {
    id: 'no-print',
    description: 'No print() in application code',
    severity: 'warning',
    source: 'pci-dss',
    check: { kind: 'forbidden-pattern', pattern: '^\\s*print\\(', files: 'app/**/*.py' },
  },
  {
    id: 'uses-env-key',
    description: 'The encryption key comes from the environment',
    severity: 'error',
    source: 'pci-dss',
    check: { kind: 'required-pattern', pattern: 'os\\.environ', files: 'app/**/*.py' },
  },
];
