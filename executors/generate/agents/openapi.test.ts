import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { clinicIr, notesIr, paymentsIr, withPagination } from '../../../testing/sample-irs.js';
import { routeTable } from '../lib/routes.js';
import openapi, { openapiDocument } from './openapi.js';

const ctx = { qlfVersion: '1.2.3' };
// biome-ignore lint/suspicious/noExplicitAny: assertions walk an untyped JSON document
type Json = any;
type Doc = {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes?: Json };
};
const doc = (ir = paymentsIr()) => openapiDocument(ir, ctx) as unknown as Doc;

describe('openapi agent', () => {
  it('documents exactly the route table, with its operation ids', () => {
    for (const ir of [paymentsIr(), clinicIr(), notesIr()]) {
      const { paths } = doc(ir);
      const documented = Object.entries(paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
      );
      const table = routeTable(ir).map((route) => `${route.method} ${route.path} ${route.operationId}`);
      expect(documented.sort()).toEqual(table.sort());
    }
  });

  it('shows masked fields as masked strings and leaves minimum-necessary fields out of lists', () => {
    const card = doc().components.schemas.PaymentRead.properties.card_number;
    expect(card.type).toBe('string');
    expect(card.pattern).toContain('\\*{4}');
    const clinic = doc(clinicIr()).components.schemas;
    expect(clinic.PatientRead.properties.diagnosis).toBeDefined();
    expect(clinic.PatientListItem.properties.diagnosis).toBeUndefined();
    expect(clinic.PatientList.properties.items.items.$ref).toBe('#/components/schemas/PatientListItem');
  });

  it('writes decimals as strings in responses and declares the idempotency header', () => {
    const { paths, components } = doc();
    expect(components.schemas.PaymentRead.properties.amount).toMatchObject({ type: 'string', format: 'decimal' });
    const params = paths['/api/v1/payments']?.post.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['Idempotency-Key']);
    expect(Object.keys(paths['/api/v1/payments']?.post.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '409',
      '413',
      '422',
      '429',
      '500',
    ]);
    expect(Object.keys(paths['/api/v1/payments/{id}']?.delete.responses).sort()).toEqual([
      '204',
      '401',
      '404',
      '422',
      '429',
      '500',
    ]);
  });

  it('declares the security scheme the auth mode uses, and none without auth', () => {
    expect(doc().components.securitySchemes).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    expect(doc(clinicIr()).components.securitySchemes).toEqual({
      apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    expect(doc(notesIr()).components.securitySchemes).toBeUndefined();
    expect(doc().paths['/health']?.get.security).toBeUndefined();
    expect(doc().paths['/api/v1/orders']?.get.security).toEqual([{ bearerAuth: [] }]);
  });

  it.each([
    ['offset', ['limit', 'offset'], ['items', 'limit', 'offset', 'total']],
    ['cursor', ['limit', 'cursor'], ['items', 'next_cursor']],
    ['none', [], ['items']],
  ] as const)('pages list endpoints as pagination %s asks', (mode, params, properties) => {
    const { paths, components } = doc(withPagination(paymentsIr(), mode));
    const list = paths['/api/v1/orders']?.get;
    const names = (list.parameters ?? []).map((p: { name: string }) => p.name);
    expect(names.filter((name: string) => ['limit', 'offset', 'cursor'].includes(name))).toEqual(params);
    expect(names).toContain('customer_id');
    const schema = components.schemas.OrderList;
    expect(Object.keys(schema.properties).sort()).toEqual(properties);
    expect([...schema.required].sort()).toEqual(properties);
    expect(schema.properties.items.items.$ref).toBe('#/components/schemas/OrderRead');
  });

  it('documents the cursor as opaque, nullable on the last page and 422 when malformed', () => {
    const { paths, components } = doc(withPagination(paymentsIr(), 'cursor'));
    const list = paths['/api/v1/orders']?.get;
    const cursor = list.parameters.find((p: { name: string }) => p.name === 'cursor');
    expect(cursor).toMatchObject({ in: 'query', required: false, schema: { type: 'string', maxLength: 64 } });
    expect(cursor.description).toMatch(/Opaque.*next_cursor.*422/);
    expect(list.responses['422'].description).toBe('Validation error, or a malformed cursor');
    expect(components.schemas.OrderList.properties.next_cursor.anyOf).toEqual([{ type: 'string' }, { type: 'null' }]);
    // Other operations keep the plain description.
    expect(paths['/api/v1/orders']?.post.responses['422'].description).toBe('Validation error');
  });

  it('passes Redocly recommended rules without errors', async () => {
    for (const ir of [
      paymentsIr(),
      clinicIr(),
      notesIr(),
      withPagination(paymentsIr(), 'cursor'),
      withPagination(notesIr(), 'none'),
    ]) {
      const [file] = openapi.generate(ir, ctx);
      const config = await createConfig({
        extends: ['recommended'],
        rules: {
          'no-empty-servers': 'off',
          'security-defined':
            ir.api.auth.value === 'none'
              ? 'off'
              : { severity: 'error', exceptions: [{ path: '/health' }, { path: '/ready' }, { path: '/auth/token' }] },
        } as never,
      });
      const problems = await lintFromString({ source: file?.content ?? '', absoluteRef: '/openapi.json', config });
      const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`);
      expect(errors, `${ir.name} (${ir.api.pagination.value})`).toEqual([]);
      expect(JSON.parse(file?.content ?? '{}').openapi).toBe('3.1.0');
    }
  });
});
