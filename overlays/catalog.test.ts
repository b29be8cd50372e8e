// The built-in overlays: each file is valid and the content does what a compliance engineer expects.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IR } from '../schemas/ir.js';
import { testEntity, testField, testIR } from '../testing/ir.js';
import {
  applyOverlays,
  builtinOverlayDir,
  loadOverlayRegistry,
  type OverlayRegistry,
  parseOverlay,
  resolveOverlays,
} from './index.js';

const BUILTIN = ['ecommerce', 'fintech', 'gdpr', 'healthcare', 'hipaa', 'pci'];

let registry: OverlayRegistry;
beforeAll(async () => {
  registry = await loadOverlayRegistry([]);
});

function apply(names: string[], ir: IR = testIR()): IR {
  const resolved = resolveOverlays(
    names.map((name) => ({ name, reason: 'explicit' as const, confidence: 1 })),
    registry,
  );
  return applyOverlays(ir, resolved);
}

const classified = (ir: IR, entity: string, name: string) =>
  ir.entities.find((e) => e.name === entity)?.fields.find((f) => f.name === name);

describe('built-in overlay files', () => {
  it('are exactly the six documented ones', async () => {
    const files = (await readdir(builtinOverlayDir())).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toEqual(BUILTIN.map((name) => `${name}.yaml`));
  });

  it.each(BUILTIN)('%s.yaml validates and points editors at the JSON Schema', async (name) => {
    const file = join(builtinOverlayDir(), `${name}.yaml`);
    const bytes = await readFile(file);
    expect(bytes.toString('utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../schemas/json/overlay.schema.json',
    );
    const { loaded, issues } = parseOverlay(file, bytes, true);
    expect(issues).toEqual([]);
    expect(loaded?.overlay.name).toBe(name);
    expect(loaded?.overlay.detect.length).toBeGreaterThan(0);
    expect(loaded?.overlay.prompts.backend).toBeTruthy();
  });

  it('rank every compliance overlay above every domain overlay', () => {
    const overlays = registry.list().map((l) => l.overlay);
    const lowestCompliance = Math.min(...overlays.filter((o) => o.type === 'compliance').map((o) => o.priority));
    const highestDomain = Math.max(...overlays.filter((o) => o.type === 'domain').map((o) => o.priority));
    expect(lowestCompliance).toBeGreaterThan(highestDomain);
    expect(registry.get('pci')?.overlay.requires).toEqual(['fintech']);
  });

  it('set some controls to different values, so real content exercises conflicts', () => {
    const values = new Map<string, Set<string>>();
    for (const { overlay } of registry.list()) {
      for (const [key, value] of Object.entries(overlay.controls)) {
        values.set(key, (values.get(key) ?? new Set()).add(JSON.stringify(value)));
      }
    }
    const contested = [...values].filter(([, set]) => set.size > 1).map(([key]) => key);
    expect(contested.sort()).toEqual(['minAuth', 'rateLimitPerMinute', 'retentionDays']);
  });
});

describe('built-in overlays applied', () => {
  it.each([
    { field: 'card_number', overlays: ['pci'], classification: 'pan' },
    { field: 'primary_account_number', overlays: ['pci'], classification: 'pan' },
    { field: 'credit_card', overlays: ['pci'], classification: 'pan' },
    { field: 'cvv', overlays: ['pci'], classification: 'secret' },
    { field: 'company', overlays: ['pci'], classification: undefined },
    { field: 'iban', overlays: ['fintech'], classification: 'financial' },
    { field: 'savings_account_number', overlays: ['fintech'], classification: 'financial' },
    { field: 'ssn', overlays: ['hipaa'], classification: 'phi' },
    { field: 'medical_record_number', overlays: ['hipaa'], classification: 'phi' },
    { field: 'billing_email', overlays: ['gdpr'], classification: 'pii' },
    { field: 'ip_address', overlays: ['gdpr'], classification: 'pii' },
    { field: 'product_name', overlays: ['gdpr'], classification: undefined },
    { field: 'date_of_birth', overlays: ['gdpr', 'hipaa'], classification: 'phi' },
    { field: 'diagnosis', overlays: ['healthcare'], classification: 'phi' },
  ])('$overlays classify $field as $classification', ({ field, overlays, classification }) => {
    const ir = apply(overlays, testIR({ entities: [testEntity('Record', [testField(field)])] }));
    expect(classified(ir, 'Record', field)?.classification).toBe(classification);
  });

  it('pci: PAN tokenised, encrypted, masked, unlisted, redacted; jwt; audit trail; fintech pulled in', () => {
    const ir = apply(['pci'], testIR({ entities: [testEntity('Card', [testField('card_number')])] }));
    expect(classified(ir, 'Card', 'card_number')?.handling).toEqual({
      encryptAtRest: true,
      tokenize: true,
      responses: 'mask-last4',
      logs: 'redact',
      inList: false,
    });
    expect(ir.api.auth.value).toBe('jwt');
    expect(ir.controls).toMatchObject({ tls: true, auditLog: true, rateLimitPerMinute: 120, decimalMoney: true });
    expect(ir.overlays.applied.map((a) => [a.name, a.reason, a.requiredBy])).toEqual([
      ['fintech', 'required', ['pci']],
      ['pci', 'explicit', []],
    ]);
    const audit = ir.entities.find((e) => e.name === 'AuditEvent');
    expect(audit?.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['actor', 'outcome', 'source_ip']));
    expect(ir.overlays.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['pci-pan-encrypted', 'pci-pan-masked', 'pci-audit-entity', 'pci-no-cvv-storage']),
    );
    expect(ir.compliance.map((c) => c.value)).toEqual(['pci-dss']);
    expect(ir.overlays.decisions.map((d) => [d.setting, d.winner])).toEqual([
      ['api.auth', 'pci'],
      ['controls.minAuth', 'pci'],
      ['controls.rateLimitPerMinute', 'pci'],
    ]);
  });

  it('pci warns about a stored card security code and about a service without PAN', () => {
    const withCvv = apply(
      ['pci'],
      testIR({ entities: [testEntity('Card', [testField('card_number'), testField('cvv')])] }),
    );
    expect(withCvv.warnings.map((w) => w.code)).toEqual(['W_PCI_CVV_FIELD']);
    expect(apply(['pci']).warnings.map((w) => w.code)).toEqual(['W_PCI_NO_PAN']);
  });

  it('hipaa: PHI encrypted, full to authorised callers, not in lists, six-year retention, AccessLog', () => {
    const ir = apply(['hipaa', 'healthcare'], testIR({ entities: [testEntity('Patient', [testField('diagnosis')])] }));
    expect(classified(ir, 'Patient', 'diagnosis')?.handling).toEqual({
      encryptAtRest: true,
      responses: 'full',
      inList: false,
      logs: 'redact',
      retentionDays: 2190,
    });
    expect(ir.overlays.decisions).toContainEqual({
      setting: 'handling.phi.inList',
      value: false,
      winner: 'hipaa',
      overruled: [{ overlay: 'healthcare', value: true }],
    });
    expect(ir.entities.map((e) => e.name)).toContain('AccessLog');
    expect(ir.controls.retentionDays).toBe(2190);
    expect(ir.domain).toMatchObject({ value: 'healthcare', origin: 'overlay' });
    expect(apply(['hipaa']).warnings.map((w) => w.code)).toEqual(['W_HIPAA_NO_PHI']);
    expect(apply(['hipaa']).warnings[0]?.message).toContain('classification: phi');
  });

  it('gdpr: export and erasure endpoints, consent records, retention outranked by hipaa', () => {
    const ir = apply(['gdpr']);
    expect(ir.api.endpoints.map((e) => [e.id, e.method, e.path, e.source])).toEqual([
      ['gdpr-erasure', 'DELETE', '/data-subjects/{subject_id}', 'gdpr'],
      ['gdpr-export', 'GET', '/data-subjects/{subject_id}/export', 'gdpr'],
    ]);
    expect(ir.entities.find((e) => e.name === 'ConsentRecord')?.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['subject_id', 'purpose', 'granted', 'granted_at']),
    );
    expect(ir.controls).toMatchObject({
      dataExport: true,
      dataErasure: true,
      consentRecords: true,
      retentionDays: 1095,
    });
    expect(classified(ir, 'Customer', 'email')?.handling?.logs).toBe('redact');
    const both = apply(['gdpr', 'hipaa']);
    expect(both.overlays.decisions).toContainEqual({
      setting: 'controls.retentionDays',
      value: 2190,
      winner: 'hipaa',
      overruled: [{ overlay: 'gdpr', value: 1095 }],
    });
  });

  it('ecommerce: Product with stock, Order and Payment, decimal money', () => {
    const ir = apply(['ecommerce']);
    expect(ir.entities.map((e) => e.name)).toEqual(['Customer', 'Order', 'Payment', 'Product']);
    expect(classified(ir, 'Product', 'stock_quantity')?.type).toBe('integer');
    expect(classified(ir, 'Product', 'price')?.type).toBe('decimal');
    expect(ir.controls).toMatchObject({ decimalMoney: true, idempotencyKeys: true });
    expect(ir.domain.value).toBe('ecommerce');
  });

  it('applying every built-in overlay at once is deterministic and idempotent', () => {
    const first = apply(BUILTIN);
    expect(apply([...BUILTIN].reverse())).toEqual(first);
    expect(
      applyOverlays(
        first,
        resolveOverlays(
          BUILTIN.map((name) => ({ name, reason: 'explicit', confidence: 1 })),
          registry,
        ),
      ),
    ).toEqual(first);
  });
});
