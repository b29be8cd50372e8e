// Composition: overrides replace built-in templates and are reported, sections appear only when they apply, the same
// inputs give the same bytes, and bad inputs fail with a code that says what to fix.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IR } from '../../schemas/ir.js';
import { promptAgent } from '../../schemas/llm.js';
import { finding, testEntity, testField, testIR } from '../../testing/ir.js';
import { composePrompt } from './compose.js';
import { builtinPromptsDir } from './prompt-templates.js';

const TASKS = [{ id: 'fraud-detection', module: 'fraud', ask: 'risk score 0-100 and a review state for payments' }];
const FACTS_SCHEMA = '{\n  "type": "object"\n}';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'qlf-prompts-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeOverride(name: string, content: string): void {
  mkdirSync(join(root, 'qlf/prompts'), { recursive: true });
  writeFileSync(join(root, 'qlf/prompts', name), content);
}

/** A payments-like IR: JWT, PCI DSS with a PAN field, 200 requests per second, overlay fragments. */
function paymentsIR(overrides: Partial<IR> = {}): IR {
  const base = testIR();
  return testIR({
    name: 'payments',
    entities: [
      testEntity('Customer', [testField('name')]),
      testEntity('Payment', [
        testField('amount', { type: 'decimal', min: 0 }),
        testField('card_number', { classification: 'pan' }),
        testField('status', { type: 'enum', values: ['pending', 'captured'] }),
      ]),
    ],
    relationships: [
      {
        from: 'Customer',
        to: 'Payment',
        kind: 'one-to-many',
        foreignKey: 'customer_id',
        required: true,
        origin: 'explicit',
        confidence: 1,
      },
    ],
    api: { ...base.api, auth: finding('jwt') },
    compliance: [finding('pci-dss')],
    ops: { ...base.ops, scale: { requestsPerSecond: finding(200) } },
    overlays: {
      ...base.overlays,
      prompts: { backend: 'Amounts are Decimal.', tests: 'Test masking.', docs: 'Document PAN handling.' },
    },
    ...overrides,
  });
}

describe('composePrompt', () => {
  it('composes every agent from the built-in templates', () => {
    for (const agent of promptAgent.options) {
      const vars = { tasks: TASKS, description: 'A payments API.', factsSchema: FACTS_SCHEMA, allowed: ['app/x.py'] };
      const prompt = composePrompt({ agent, ir: paymentsIR(), vars });
      expect(prompt.system.length).toBeGreaterThan(200);
      expect(prompt.user).toContain('payments');
      expect(prompt.files.slice(0, 1)).toEqual([`builtin:${agent}.system.eta`]);
      expect(prompt.files).toContain(`builtin:${agent}.user.eta`);
      expect(prompt.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(prompt.system.endsWith('\n') && !prompt.system.endsWith('\n\n')).toBe(true);
      if (agent === 'compile') expect(prompt.system).toContain('exactly one JSON object');
      else expect(prompt.system).toContain('<<<qlf:done>>>');
    }
  });

  it('is byte-stable: same inputs, same prompt and digest', () => {
    const a = composePrompt({ agent: 'domain', ir: paymentsIR(), vars: { tasks: TASKS } });
    const b = composePrompt({ agent: 'domain', ir: paymentsIR(), vars: { tasks: TASKS } });
    expect(b).toEqual(a);
  });

  it('tells the domain agent where to write, how to import, and the entities as Python dicts', () => {
    const { system, user } = composePrompt({ agent: 'domain', ir: paymentsIR(), vars: { tasks: TASKS } });
    expect(system).toContain('Python 3.11 and the standard library only');
    expect(system).toContain('from app.domain.<module> import');
    expect(system).toContain('<<<qlf:file path="app/domain/example.py">>>');
    expect(user).toContain('Write the module app/domain/fraud.py and its tests tests/test_domain_fraud.py.');
    expect(user).toContain('- amount: Decimal (>= 0)');
    expect(user).toContain('- status: str (one of "pending", "captured")');
    expect(user).toContain('- customer_id: int (id of a Customer)');
    expect(user).toContain("Customer one-to-many Payment: payments.customer_id holds the Customer's id");
    expect(user).toMatch(/Allowed paths.*\n- app\/domain\/fraud\.py\n- tests\/test_domain_fraud\.py\n/);
    expect(user).not.toContain('The brief asks for it');
    const evidence = [{ ...TASKS[0]!, evidence: 'run fraud detection on every payment' }];
    const withEvidence = composePrompt({ agent: 'domain', ir: paymentsIR(), vars: { tasks: evidence } }).user;
    expect(withEvidence).toContain('The brief asks for it in these words: "run fraud detection on every payment"');
  });

  it('gives the domain agent the domain, backend and tests fragments, and other agents their own', () => {
    const ir = paymentsIR();
    const domain = composePrompt({ agent: 'domain', ir, vars: { tasks: TASKS } }).system;
    expect(domain).toContain('Amounts are Decimal.');
    expect(domain).toContain('Test masking.');
    expect(domain).not.toContain('Document PAN handling.');
    const docs = composePrompt({ agent: 'docs', ir }).system;
    expect(docs).toContain('Document PAN handling.');
    expect(docs).not.toContain('Amounts are Decimal.');
  });

  it('adds the auth, compliance and scale sections only when they apply', () => {
    const compose = (ir: IR) => composePrompt({ agent: 'domain', ir, vars: { tasks: TASKS } });
    const full = compose(paymentsIR());
    expect(full.system).toMatch(/\nAuthentication\n- Callers present a JWT bearer token/);
    expect(full.system).toContain('\nPCI DSS\n');
    expect(full.system).toContain('Fields classified pan: Payment.card_number.');
    expect(full.system).toContain('\nScale\n- Expect about 200 requests per second, served by 1 replica.');
    expect(full.files).toEqual(
      expect.arrayContaining([
        'builtin:_section-auth.eta',
        'builtin:_compliance-pci-dss.eta',
        'builtin:_section-scale.eta',
      ]),
    );

    const base = testIR();
    const plain = compose(paymentsIR({ api: { ...base.api, auth: finding('none') }, compliance: [], ops: base.ops }));
    for (const heading of ['\nAuthentication\n', '\nPCI DSS\n', '\nScale\n', '\nGDPR\n', '\nHIPAA\n']) {
      expect(plain.system).not.toContain(heading);
    }
    expect(plain.files.some((file) => /_section-|_compliance-/.test(file))).toBe(false);
    expect(plain.digest).not.toBe(full.digest);

    const quiet = compose(paymentsIR({ ops: { ...base.ops, scale: { requestsPerSecond: finding(20) } } }));
    expect(quiet.system).not.toContain('\nScale\n');
    const gdpr = compose(paymentsIR({ compliance: [finding('gdpr'), finding('hipaa')] }));
    expect(gdpr.system).toContain('\nGDPR\n');
    expect(gdpr.system).toContain('\nHIPAA\n');
    expect(gdpr.system).not.toContain('\nPCI DSS\n');
  });

  it('uses a workspace override instead of the built-in file, and reports it', () => {
    writeOverride('_soc-example.eta', 'Team example for <%= it.service.name %>.\n');
    const prompt = composePrompt({
      agent: 'domain',
      ir: paymentsIR(),
      overridesDir: 'qlf/prompts',
      root,
      vars: { tasks: TASKS },
    });
    expect(prompt.system).toContain('Team example for payments.');
    expect(prompt.system).not.toContain('app/domain/example.py');
    expect(prompt.files).toContain('qlf/prompts/_soc-example.eta');
    expect(prompt.files).not.toContain('builtin:_soc-example.eta');
    expect(prompt.files).toContain('builtin:domain.system.eta');
    const builtin = composePrompt({ agent: 'domain', ir: paymentsIR(), vars: { tasks: TASKS } });
    expect(prompt.digest).not.toBe(builtin.digest);
  });

  it('lets an override replace a whole agent template and include its own partials', () => {
    writeOverride('docs.user.eta', "Docs for <%= it.service.name %>.\r\n<%~ include('_team-style', it) -%>\r\n");
    writeOverride('_team-style.eta', 'Use British spelling.\n');
    const prompt = composePrompt({ agent: 'docs', ir: paymentsIR(), overridesDir: join(root, 'qlf/prompts'), root });
    expect(prompt.user).toBe('Docs for payments.\nUse British spelling.\n');
    expect(prompt.files).toEqual(expect.arrayContaining(['qlf/prompts/docs.user.eta', 'qlf/prompts/_team-style.eta']));
  });

  it('ignores an overrides folder that does not exist', () => {
    const withDir = composePrompt({
      agent: 'domain',
      ir: paymentsIR(),
      overridesDir: 'qlf/prompts',
      root,
      vars: { tasks: TASKS },
    });
    const without = composePrompt({ agent: 'domain', ir: paymentsIR(), vars: { tasks: TASKS } });
    expect(withDir).toEqual(without);
  });

  it('keeps the digest to the templates: the IR changes the prompt, not the digest', () => {
    const a = composePrompt({ agent: 'domain', ir: paymentsIR(), vars: { tasks: TASKS } });
    const b = composePrompt({ agent: 'domain', ir: paymentsIR({ name: 'billing' }), vars: { tasks: TASKS } });
    expect(b.system).not.toBe(a.system);
    expect(b.digest).toBe(a.digest);
  });

  it('puts the description verbatim between markers and the facts schema after it', () => {
    const description = 'Orders  have   many items;\ttabs and  spaces stay.';
    const { user } = composePrompt({
      agent: 'compile',
      ir: paymentsIR(),
      vars: { description, factsSchema: { type: 'object', required: ['entities'] } },
    });
    expect(user).toContain(`<description>\n${description}\n</description>`);
    expect(user).toContain('{\n  "type": "object",\n  "required": [\n    "entities"\n  ]\n}');
  });

  it('refuses a missing or unsafe input with a coded error', () => {
    const ir = paymentsIR();
    expect(() => composePrompt({ agent: 'domain', ir })).toThrow(expect.objectContaining({ code: 'E_PROMPT_VARS' }));
    expect(() => composePrompt({ agent: 'compile', ir })).toThrow(expect.objectContaining({ code: 'E_PROMPT_VARS' }));
    const badModule = [{ id: 'x', module: '../evil', ask: 'x' }];
    expect(() => composePrompt({ agent: 'domain', ir, vars: { tasks: badModule } })).toThrow(
      /not a Python module name/,
    );

    writeOverride('docs.user.eta', "<%~ include('../../etc/passwd', it) %>");
    const outside = () => composePrompt({ agent: 'docs', ir, overridesDir: 'qlf/prompts', root });
    expect(outside).toThrow(expect.objectContaining({ code: 'E_PROMPT_TEMPLATE_NAME', kind: 'input' }));

    writeOverride('docs.user.eta', "<%~ include('_missing', it) %>");
    const missing = () => composePrompt({ agent: 'docs', ir, overridesDir: 'qlf/prompts', root });
    expect(missing).toThrow(expect.objectContaining({ code: 'E_PROMPT_TEMPLATE_MISSING', kind: 'input' }));

    writeOverride('docs.user.eta', '<%= it.nothing.here %>');
    const broken = () => composePrompt({ agent: 'docs', ir, overridesDir: 'qlf/prompts', root });
    expect(broken).toThrow(expect.objectContaining({ code: 'E_PROMPT_TEMPLATE', kind: 'input' }));
  });

  it('ships a system and a user template for every agent', () => {
    for (const agent of promptAgent.options) {
      for (const part of ['system', 'user']) {
        expect(readFileSync(join(builtinPromptsDir(), `${agent}.${part}.eta`), 'utf8').length).toBeGreaterThan(0);
      }
    }
  });
});
