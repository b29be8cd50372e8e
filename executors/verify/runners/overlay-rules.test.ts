import { afterEach, describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, PCI_RULES, type ServiceCopy } from '../testing/good-service.js';
import { testContext } from '../testing/test-context.js';
import { overlayRulesRunner } from './overlay-rules.js';

const rule = (id: string) => PCI_RULES.filter((candidate) => candidate.id === id);

async function check(serviceDir: string, rules: IR['overlays']['rules']) {
  return overlayRulesRunner.run({ ir: goodServiceIr(rules), serviceDir }, await testContext());
}

describe('overlay-rules runner', () => {
  let copy: ServiceCopy | undefined;
  afterEach(async () => {
    await copy?.remove();
    copy = undefined;
  });

  it('passes the fixture under every PCI rule', async () => {
    const outcome = await check(GOOD_SERVICE, PCI_RULES);
    expect(outcome).toEqual({ status: 'passed', findings: [], stats: { rules: PCI_RULES.length, violated: 0 } });
  });

  it('finds a card number stored in clear in the model, with file and line', async () => {
    copy = await copyGoodService();
    await copy.replace(
      'app/models.py',
      '    card_number_encrypted = Column(String, nullable=False)',
      '    card_number = Column(String, nullable=False)',
    );
    const outcome = await check(copy.dir, rule('pan-encrypted'));
    expect(outcome.status).toBe('failed');
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({ rule: 'pan-encrypted', severity: 'error', file: 'app/models.py', line: 12 }),
    );
    expect(outcome.findings.map((finding) => finding.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Payment.card_number (pan) is stored in clear'),
        expect.stringContaining('no card_number_encrypted column'),
      ]),
    );
  });

  it('finds a clear column in a migration and a typed mapped_column', async () => {
    copy = await copyGoodService();
    await copy.replace(
      'migrations/001_init.sql',
      '  card_number_last4 VARCHAR(4) NOT NULL',
      '  card_number TEXT NOT NULL',
    );
    await copy.replace(
      'app/models.py',
      '    card_number_last4 = Column(String(4), nullable=False)',
      '    card_number: Mapped[str] = mapped_column(String)',
    );
    const outcome = await check(copy.dir, rule('pan-encrypted'));
    expect(outcome.findings).toEqual([
      expect.objectContaining({ file: 'app/models.py', line: 13 }),
      expect.objectContaining({ file: 'migrations/001_init.sql', line: 5 }),
    ]);
  });

  it('finds a raw card number in a read schema and in the OpenAPI components', async () => {
    copy = await copyGoodService();
    await copy.replace('app/schemas.py', '    card_number_last4: str', '    card_number: str');
    await copy.replace(
      'openapi.json',
      '"card_number_last4": {\n            "title": "Card Number Last4"',
      '"card_number": {\n            "title": "Card Number"',
    );
    const outcome = await check(copy.dir, rule('pan-masked'));
    expect(outcome.status).toBe('failed');
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({
        file: 'app/schemas.py',
        line: 15,
        message: expect.stringContaining('PaymentRead.card_number'),
      }),
    );
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({
        file: 'openapi.json',
        message: expect.stringContaining('response schema PaymentRead'),
      }),
    );
  });

  it('accepts a field that keeps its name in responses when the value goes through mask_last4', async () => {
    copy = await copyGoodService();
    await copy.replace('app/schemas.py', '    card_number_last4: str', '    card_number: str');
    await copy.replace(
      'app/routers/payments.py',
      'card_number_last4=payment.card_number_last4',
      'card_number=mask_last4(payment.card_number_last4)',
    );
    await copy.replace(
      'openapi.json',
      '"card_number_last4": {\n            "title": "Card Number Last4"',
      '"card_number": {\n            "title": "Card Number"',
    );
    expect(await check(copy.dir, rule('pan-masked'))).toMatchObject({ status: 'passed', findings: [] });
  });

  it('rejects the name in responses when the handling says omit', async () => {
    copy = await copyGoodService();
    await copy.replace('app/schemas.py', '    card_number_last4: str', '    card_number: str');
    await copy.replace(
      'app/routers/payments.py',
      'card_number_last4=payment.card_number_last4',
      'card_number=mask_last4(payment.card_number_last4)',
    );
    const ir = goodServiceIr(rule('pan-masked'));
    ir.entities[0]!.fields[1]!.handling = { encryptAtRest: true, responses: 'omit' };
    const outcome = await overlayRulesRunner.run({ ir, serviceDir: copy.dir }, await testContext());
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        file: 'app/schemas.py',
        line: 15,
        message: expect.stringContaining('reaches responses unmasked'),
      }),
    ]);
  });

  it('checks endpoints, entities and patterns', async () => {
    copy = await copyGoodService();
    await copy.replace('app/main.py', '@app.get("/health")', '@app.get("/healthz")');
    await copy.replace('app/main.py', 'app = FastAPI(', 'print("starting")\napp = FastAPI(');
    await copy.write('openapi.json', '{}');
    const missingEntity = {
      ...PCI_RULES[3]!,
      id: 'refund-entity',
      check: { kind: 'entity-present' as const, entity: 'Refund' },
    };
    const needsVault = {
      ...PCI_RULES[5]!,
      id: 'uses-vault',
      check: { kind: 'required-pattern' as const, pattern: 'vault\\.', files: 'app/**/*.py' },
    };
    const outcome = await check(copy.dir, [
      ...rule('health-endpoint'),
      ...rule('payment-entity'),
      ...rule('no-print'),
      missingEntity,
      needsVault,
    ]);
    expect(outcome.stats).toEqual({ rules: 5, violated: 4 });
    const byRule = Object.fromEntries(outcome.findings.map((finding) => [finding.rule, finding]));
    expect(byRule['health-endpoint']!.message).toContain('GET /health (health) is not served');
    expect(byRule['no-print']).toMatchObject({ severity: 'warning', file: 'app/main.py', line: 9 });
    expect(byRule['refund-entity']).toMatchObject({ severity: 'error', file: 'app/models.py' });
    expect(byRule['uses-vault']!.message).toContain('no file matching app/**/*.py matches /vault\\./');
    expect(outcome.status).toBe('failed');
  });

  it('reports a rule naming an endpoint the IR does not declare', async () => {
    const unknown = { ...PCI_RULES[2]!, check: { kind: 'endpoint-present' as const, endpoint: 'data-export' } };
    const outcome = await check(GOOD_SERVICE, [unknown]);
    expect(outcome.findings[0]!.message).toContain('the IR declares no endpoint with id "data-export"');
  });
});
