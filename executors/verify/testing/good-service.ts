// Test support: the hand-written fixture service (fixtures/good-service), its IR, the PCI rules it is checked against,
// and throwaway copies of it that a test may break, each in its own temp folder.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IR } from '../../../schemas/ir.js';
import { finding, testEntity, testField, testIR } from '../../../testing/ir.js';

export const GOOD_SERVICE = fileURLToPath(new URL('../fixtures/good-service', import.meta.url));

export interface ServiceCopy {
  dir: string;
  /** Writes (or overwrites) a file relative to the copy. */
  write(file: string, content: string): Promise<void>;
  /** Replaces the first occurrence of `from` in `file`; throws when absent so a test cannot silently break nothing. */
  replace(file: string, from: string, to: string): Promise<void>;
  remove(): Promise<void>;
}

export async function copyGoodService(): Promise<ServiceCopy> {
  const root = await mkdtemp(join(tmpdir(), 'qlf-verify-test-'));
  const dir = join(root, 'service');
  await cp(GOOD_SERVICE, dir, { recursive: true });
  return {
    dir,
    write: (file, content) => writeFile(join(dir, file), content),
    async replace(file, from, to) {
      const text = await readFile(join(dir, file), 'utf8');
      if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
      await writeFile(join(dir, file), text.replace(from, to));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** The IR of the fixture service: a payments API with a PAN field and a health endpoint, checked by `rules`. */
export function goodServiceIr(rules: IR['overlays']['rules'] = []): IR {
  return testIR(
    {
      name: 'payments',
      description: 'Takes card payments.',
      domain: finding('fintech'),
      compliance: [finding('pci-dss')],
      entities: [
        testEntity('Payment', [
          testField('amount', { type: 'decimal' }),
          testField('card_number', {
            classification: 'pan',
            handling: { encryptAtRest: true, responses: 'mask-last4', logs: 'redact' },
          }),
        ]),
      ],
      api: {
        auth: finding('none'),
        pagination: finding('none'),
        basePath: '/',
        endpoints: [{ id: 'health', method: 'GET', path: '/health', description: 'Liveness.', source: 'core' }],
      },
      overlays: { applied: [], suggested: [], decisions: [], rules, prompts: {} },
    },
    { origin: 'explicit', stack: { database: 'sqlite', deploy: 'none' } },
  );
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
