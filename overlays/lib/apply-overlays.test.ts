// Application: classification, handling, controls, entities, endpoints, rules and prompts, with recorded decisions.
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.js';
import { type IR, irSchema } from '../../schemas/ir.js';
import { finding, testEntity, testField, testIR } from '../../testing/ir.js';
import { testOverlay, testResolved } from '../testing/test-overlays.js';
import { applyOverlays } from './apply-overlays.js';

const cards = testOverlay('cards', {
  type: 'compliance',
  priority: 90,
  entities: [
    {
      name: 'AuditEvent',
      reason: 'audit trail',
      fields: [
        { name: 'actor', type: 'string' },
        { name: 'occurred_at', type: 'datetime' },
        { name: 'note', type: 'text', required: false },
      ],
    },
  ],
  classify: [{ match: 'card_number|pan', classification: 'pan' }],
  handling: { pan: { encryptAtRest: true, responses: 'mask-last4', logs: 'redact', inList: false } },
  controls: { minAuth: 'jwt', auditLog: true, rateLimitPerMinute: 120, encryptionAtRest: true },
  endpoints: [{ id: 'card-export', method: 'GET', path: '/cards/export', description: 'Export cards.' }],
  rules: [
    {
      id: 'cards-pan-encrypted',
      description: 'PAN encrypted.',
      check: { kind: 'classified-field-encrypted', classification: 'pan' },
    },
  ],
  prompts: { backend: 'Mask card numbers.', tests: 'Test masking.' },
});
const money = testOverlay('money', {
  priority: 40,
  classify: [{ match: 'pan|iban', classification: 'financial' }],
  handling: { pan: { responses: 'full', inList: true, logs: 'redact' } },
  controls: { minAuth: 'api-key', rateLimitPerMinute: 600, decimalMoney: true },
  endpoints: [{ id: 'card-export', method: 'POST', path: '/exports', description: 'Export.' }],
  prompts: { backend: 'Use Decimal.' },
});
const health = testOverlay('health', {
  type: 'compliance',
  priority: 85,
  classify: [{ match: 'diagnosis', classification: 'phi' }],
  handling: { phi: { encryptAtRest: true, inList: false } },
  rules: [
    {
      id: 'health-phi-encrypted',
      description: 'PHI encrypted.',
      check: { kind: 'classified-field-encrypted', classification: 'phi' },
    },
  ],
});

const service = () =>
  testIR({
    entities: [
      testEntity('Card', [
        testField('card_number'),
        testField('pan'),
        testField('iban', { classification: 'pii' }),
        testField('holder'),
      ]),
      testEntity('AuditEvent', [testField('actor'), testField('occurred_at', { type: 'string' })]),
    ],
  });

const field = (ir: IR, entity: string, name: string) =>
  ir.entities.find((e) => e.name === entity)?.fields.find((f) => f.name === name);

describe('applyOverlays', () => {
  const ir = applyOverlays(service(), testResolved([money, cards]));

  it('returns a valid IR and leaves its input untouched', () => {
    const input = service();
    const before = canonicalJson(input);
    const output = applyOverlays(input, testResolved([money, cards]));
    expect(canonicalJson(input)).toBe(before);
    expect(irSchema.safeParse(output).success).toBe(true);
  });

  it.each([
    { name: 'card_number', classification: 'pan' },
    { name: 'pan', classification: 'pan' },
    { name: 'iban', classification: 'pii' },
    { name: 'holder', classification: undefined },
  ])(
    'classifies $name as $classification (explicit classifications kept, whole names only)',
    ({ name, classification }) => {
      expect(field(ir, 'Card', name)?.classification).toBe(classification);
    },
  );

  it('attaches handling merged by priority, and records every disagreement', () => {
    expect(field(ir, 'Card', 'card_number')?.handling).toEqual({
      encryptAtRest: true,
      responses: 'mask-last4',
      logs: 'redact',
      inList: false,
    });
    const settings = ir.overlays.decisions.map((d) => d.setting);
    expect(settings).toEqual([
      'api.auth',
      'classification.Card.pan',
      'controls.minAuth',
      'controls.rateLimitPerMinute',
      'endpoints.card-export',
      'handling.pan.inList',
      'handling.pan.responses',
    ]);
    expect(ir.overlays.decisions.find((d) => d.setting === 'handling.pan.responses')).toEqual({
      setting: 'handling.pan.responses',
      value: 'mask-last4',
      winner: 'cards',
      overruled: [{ overlay: 'money', value: 'full' }],
    });
    expect(ir.overlays.decisions.find((d) => d.setting === 'classification.Card.pan')).toMatchObject({
      value: 'pan',
      winner: 'cards',
      overruled: [{ overlay: 'money', value: 'financial' }],
    });
  });

  it('merges controls by priority and raises auth to the minimum', () => {
    expect(ir.controls).toMatchObject({ minAuth: 'jwt', rateLimitPerMinute: 120, decimalMoney: true, auditLog: true });
    expect(ir.api.auth).toEqual({ value: 'jwt', confidence: 1, origin: 'overlay', source: 'cards' });
    expect(ir.overlays.decisions.find((d) => d.setting === 'api.auth')?.overruled).toEqual([
      { overlay: 'default', value: 'none' },
    ]);
  });

  it('adds required entities and merges missing required fields into existing ones', () => {
    const audit = ir.entities.find((e) => e.name === 'AuditEvent')!;
    expect(audit.fields.map((f) => f.name)).toEqual(['actor', 'occurred_at']);
    expect(field(ir, 'AuditEvent', 'occurred_at')?.type).toBe('string');
    expect(ir.warnings.map((w) => w.code)).toContain('W_OVERLAY_FIELD_TYPE');

    const guessed = applyOverlays(
      testIR({
        entities: [testEntity('AuditEvent', [testField('occurred_at', { origin: 'inferred', confidence: 0.6 })])],
      }),
      testResolved([cards]),
    );
    expect(field(guessed, 'AuditEvent', 'occurred_at')).toMatchObject({
      type: 'datetime',
      origin: 'overlay',
      source: 'cards',
    });
    expect(guessed.warnings.map((w) => w.code)).not.toContain('W_OVERLAY_FIELD_TYPE');

    const fresh = applyOverlays(testIR(), testResolved([cards]));
    const added = fresh.entities.find((e) => e.name === 'AuditEvent')!;
    expect(added).toMatchObject({
      origin: 'overlay',
      source: 'cards',
      table: 'audit_events',
      resource: 'audit-events',
    });
    expect(added.fields.map((f) => [f.name, f.required, f.source])).toEqual([
      ['actor', true, 'cards'],
      ['occurred_at', true, 'cards'],
      ['note', false, 'cards'],
    ]);
  });

  it('adds endpoints, rules and prompts with their source, in application order', () => {
    expect(ir.api.endpoints).toEqual([
      { id: 'card-export', method: 'GET', path: '/cards/export', description: 'Export cards.', source: 'cards' },
    ]);
    expect(ir.overlays.rules.map((r) => [r.id, r.source])).toEqual([['cards-pan-encrypted', 'cards']]);
    expect(ir.overlays.prompts).toEqual({ backend: 'Use Decimal.\n\nMask card numbers.', tests: 'Test masking.' });
  });

  it('fills overlays.applied in application order', () => {
    expect(ir.overlays.applied.map(({ name, priority, reason, type }) => ({ name, priority, reason, type }))).toEqual([
      { name: 'money', priority: 40, reason: 'explicit', type: 'domain' },
      { name: 'cards', priority: 90, reason: 'explicit', type: 'compliance' },
    ]);
    expect(ir.overlays.applied[1]?.digest).toBe(cards.digest);
  });

  it('is idempotent and independent of the order it is given overlays in', () => {
    expect(canonicalJson(applyOverlays(ir, testResolved([money, cards])))).toBe(canonicalJson(ir));
    expect(canonicalJson(applyOverlays(service(), testResolved([cards, money])))).toBe(canonicalJson(ir));
  });

  it('lets explicit brief security values win, recording it and warning when they weaken compliance', () => {
    const options = { explicit: { auditLog: false, rateLimitPerMinute: 1000 } };
    const out = applyOverlays(service(), testResolved([money, cards]), options);
    expect(out.controls).toMatchObject({ auditLog: false, rateLimitPerMinute: 1000 });
    expect(out.overlays.decisions.find((d) => d.setting === 'controls.rateLimitPerMinute')).toEqual({
      setting: 'controls.rateLimitPerMinute',
      value: 1000,
      winner: 'brief',
      overruled: [
        { overlay: 'money', value: 600 },
        { overlay: 'cards', value: 120 },
      ],
    });
    const weakened = out.warnings.filter((w) => w.code === 'W_OVERLAY_CONTROL_WEAKENED').map((w) => w.path);
    expect(weakened).toEqual(['security.auditLog', 'security.rateLimitPerMinute']);
    expect(canonicalJson(applyOverlays(out, testResolved([money, cards])))).toBe(canonicalJson(out));
  });

  it('infers explicit optional controls on a fresh IR', () => {
    const base = service();
    const out = applyOverlays(
      { ...base, controls: { ...base.controls, encryptionAtRest: false } },
      testResolved([cards]),
    );
    expect(out.controls.encryptionAtRest).toBe(false);
    expect(out.overlays.decisions.find((d) => d.setting === 'controls.encryptionAtRest')?.winner).toBe('brief');
  });

  it('warns when an explicit weaker auth is raised', () => {
    const base = service();
    const out = applyOverlays({ ...base, api: { ...base.api, auth: finding('api-key') } }, testResolved([cards]));
    expect(out.api.auth.value).toBe('jwt');
    expect(out.warnings.find((w) => w.code === 'W_OVERLAY_AUTH_RAISED')?.message).toContain('api.auth: api-key');
  });

  it('warns when a compliance overlay guards a classification the service lacks', () => {
    const out = applyOverlays(testIR(), testResolved([health, cards]));
    expect(out.warnings.map((w) => w.code)).toEqual(['W_CARDS_NO_PAN', 'W_HEALTH_NO_PHI']);
    const withPhi = applyOverlays(
      testIR({ entities: [testEntity('Visit', [testField('diagnosis')])] }),
      testResolved([health]),
    );
    expect(withPhi.warnings).toEqual([]);
    expect(field(withPhi, 'Visit', 'diagnosis')).toMatchObject({
      classification: 'phi',
      handling: { encryptAtRest: true },
    });
  });

  it('changes nothing but the record when no overlay applies', () => {
    const out = applyOverlays(service(), { overlays: [] });
    expect(out).toEqual(service());
  });
});
