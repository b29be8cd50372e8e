// The compile stage on the hard cases: negation, synonyms, plurals, typos, explicit values, determinism.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { QlfError } from '../../core/errors.js';
import { loadOverlayRegistry, type OverlayRegistry } from '../../overlays/index.js';
import { type IR, irSchema } from '../../schemas/ir.js';
import { runCompile } from './compile.js';
import { briefFromSentence } from './lib/sentence-brief.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');
let registry: OverlayRegistry;
beforeAll(async () => {
  registry = await loadOverlayRegistry([]);
});

async function compileSentence(description: string): Promise<IR> {
  return (
    await runCompile({ source: { brief: briefFromSentence(description) }, overlays: registry, autoApplyThreshold: 0.7 })
  ).ir;
}
const names = (ir: IR) => ir.entities.filter((e) => e.origin !== 'overlay').map((e) => e.name);
const relations = (ir: IR) => ir.relationships.map((r) => `${r.from} ${r.kind} ${r.to}`);

describe('runCompile', () => {
  it('reads domain, compliance, overlays, entities and features from one sentence', async () => {
    const ir = await compileSentence('Create a PCI-compliant payment processing API with fraud detection');
    expect(ir.domain).toMatchObject({ value: 'fintech', origin: 'inferred' });
    expect(ir.compliance.map((c) => c.value)).toEqual(['pci-dss']);
    expect(ir.overlays.applied.map((o) => o.name).sort()).toEqual(['fintech', 'pci']);
    expect(ir.overlays.suggested.find((s) => s.name === 'pci')?.spans[0]?.text).toBe('PCI');
    expect(names(ir)).toEqual(['Payment']);
    expect(ir.features.map((f) => f.value)).toContain('fraud-detection');
    const span = ir.compliance[0]?.span;
    expect(span && ir.description.slice(span.start, span.end)).toBe(span?.text);
  });

  it('names entities, tables, resources, keys and join tables', async () => {
    const ir = await compileSentence(
      'Customers have many orders, each order has line items, and products belong to many categories.',
    );
    const lineItem = ir.entities.find((e) => e.name === 'LineItem');
    expect(lineItem).toMatchObject({ table: 'line_items', resource: 'line-items' });
    expect(relations(ir)).toEqual(
      expect.arrayContaining([
        'Customer one-to-many Order',
        'Order one-to-many LineItem',
        'Category many-to-many Product',
      ]),
    );
    expect(ir.relationships.find((r) => r.to === 'Order')?.foreignKey).toBe('customer_id');
    expect(ir.relationships.find((r) => r.kind === 'many-to-many')?.joinTable).toBe('category_products');
  });

  it('reads fields and their types', async () => {
    const ir = await compileSentence('Customers with name, email and phone. Each payment has an amount and currency.');
    const fields = (name: string) => ir.entities.find((e) => e.name === name)?.fields.map((f) => `${f.name}:${f.type}`);
    expect(fields('Customer')).toEqual(['name:string', 'email:email', 'phone:string']);
    expect(fields('Payment')?.slice(0, 2)).toEqual(['amount:decimal', 'currency:string']);
  });

  it('does not trigger on negated mentions', async () => {
    const ir = await compileSentence(
      'An internal wiki without authentication. There is no payment processing and it does not store card data.',
    );
    expect(names(ir)).not.toContain('Payment');
    expect(ir.compliance).toEqual([]);
    expect(ir.overlays.applied).toEqual([]);
    expect(ir.api.auth.value).toBe('none');
  });

  it('maps synonyms, irregular plurals and typos onto known entities', async () => {
    const ir = await compileSentence(
      'Track clients, people and their addresses. Custmers make paymnets. Categories group products.',
    );
    expect(names(ir)).toEqual(expect.arrayContaining(['Customer', 'Payment', 'Category', 'Product']));
    expect(ir.warnings.map((w) => w.code)).toContain('W_TYPO_CORRECTED');
  });

  it('reads bullet lists and parenthesised fields, and reports nouns it could not model', async () => {
    const ir = await compileSentence(
      'Inventory tool.\n\n- Widgets: name, color, weight\n- Customers (name, email)\n\nTrack widgets, gizmos and customers.',
    );
    expect(ir.name).toBe('inventory-tool');
    const fields = (name: string) => ir.entities.find((e) => e.name === name)?.fields.map((f) => `${f.name}:${f.type}`);
    expect(fields('Widget')).toEqual(['name:string', 'color:string', 'weight:decimal']);
    expect(fields('Customer')).toEqual(['name:string', 'email:email']);
    const dropped = ir.warnings.filter((w) => w.code === 'W_ENTITY_DROPPED');
    expect(dropped.map((w) => w.span?.text)).toEqual(['gizmos']);
  });

  it('reads scale figures into numbers', async () => {
    const ir = await compileSentence('An order API for 1M users that must handle 10k requests per second.');
    expect(ir.ops.scale.requestsPerSecond?.value).toBe(10_000);
    expect(ir.ops.scale.users?.value).toBe(1_000_000);
    expect(ir.ops.replicas.value).toBe(20);
  });

  it('warns about contradictions instead of guessing silently', async () => {
    const ir = await compileSentence("A volunteer signup form. We don't take payments. It must be PCI DSS compliant.");
    expect(ir.warnings.map((w) => w.code)).toContain('W_CONTRADICTION');
    const hipaa = await compileSentence('A HIPAA compliant todo list for our team.');
    expect(hipaa.warnings.map((w) => w.code)).toContain('W_HIPAA_NO_PHI');
  });

  it('lets explicit brief values win and records where each came from', async () => {
    const text = [
      'apiVersion: qlf.dev/v1',
      'kind: Brief',
      'name: shop',
      'description: An online shop where customers place orders, authenticated with JWT.',
      'domain: saas',
      'api: { auth: api-key }',
      'stack: { backend: express }',
      'entities:',
      '  - name: Order',
      '    fields: [{ name: reference, type: string, unique: true }]',
    ].join('\n');
    const { ir } = await runCompile({ source: { text, file: 'b.yaml' }, overlays: registry, autoApplyThreshold: 0.7 });
    expect(ir.domain).toEqual({ value: 'saas', confidence: 1, origin: 'explicit' });
    expect(ir.api.auth.value).toBe('api-key');
    expect(ir.stack.language).toMatchObject({ value: 'typescript', origin: 'explicit' });
    const order = ir.entities.find((e) => e.name === 'Order');
    expect(order?.origin).toBe('explicit');
    expect(order?.fields[0]).toMatchObject({ name: 'reference', unique: true, origin: 'explicit' });
    expect(ir.entities.find((e) => e.name === 'Customer')?.origin).toBe('inferred');
  });

  it('applies --overlay names and refuses unknown overlays with their place in the brief', async () => {
    const ir = (
      await runCompile({
        source: { brief: briefFromSentence('A note taking API') },
        overlays: registry,
        autoApplyThreshold: 0.7,
        extraOverlays: ['gdpr'],
      })
    ).ir;
    expect(ir.overlays.applied.map((o) => [o.name, o.reason])).toEqual([['gdpr', 'explicit']]);
    const text = 'apiVersion: qlf.dev/v1\nkind: Brief\nname: x\ndescription: notes\noverlays: [gdpr, nope]\n';
    const error = await runCompile({
      source: { text, file: 'b.yaml' },
      overlays: registry,
      autoApplyThreshold: 0.7,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QlfError);
    expect((error as QlfError).code).toBe('E_OVERLAY_UNKNOWN');
    expect((error as QlfError).issues[0]).toMatchObject({ file: 'b.yaml', line: 5, column: 18 });
  });

  it('compiles every example to the same bytes twice, with sorted keys', async () => {
    const dirs = readdirSync(EXAMPLES).sort();
    expect(dirs.length).toBeGreaterThanOrEqual(6);
    for (const dir of dirs) {
      const file = join(EXAMPLES, dir, 'brief.qlf.yaml');
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=../../schemas/json/brief.schema.json')).toBe(true);
      const first = await runCompile({ source: { text, file }, overlays: registry, autoApplyThreshold: 0.7 });
      const second = await runCompile({ source: { text, file }, overlays: registry, autoApplyThreshold: 0.7 });
      expect(second.json).toBe(first.json);
      expect(irSchema.parse(JSON.parse(first.json))).toBeTruthy();
      const keys = Object.keys(JSON.parse(first.json));
      expect(keys).toEqual([...keys].sort());
      expect(first.ir.name).toBe(dir);
    }
  });
});
