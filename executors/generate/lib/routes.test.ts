import { describe, expect, it } from 'vitest';
import { clinicIr, notesIr, paymentsIr } from '../../../testing/sample-irs.js';
import { basePath, routeTable } from './routes.js';

const line = (r: { method: string; path: string; kind: string; auth: boolean }) =>
  `${r.method} ${r.path} ${r.kind}${r.auth ? ' auth' : ''}`;

describe('routeTable', () => {
  it('serves health, the token endpoint, CRUD per entity and the GDPR endpoints', () => {
    const routes = routeTable(paymentsIr()).map(line);
    expect(routes.slice(0, 3)).toEqual(['GET /health health', 'GET /ready ready', 'POST /auth/token auth-token']);
    expect(routes).toContain('GET /api/v1/consent-records list auth');
    expect(routes).toContain('PATCH /api/v1/payments/{id} update auth');
    expect(routes).toContain('DELETE /api/v1/payments/{id} delete auth');
    expect(routes).toContain('GET /api/v1/data-subjects/{subject_id}/export subject-export auth');
    expect(routes).toContain('DELETE /api/v1/data-subjects/{subject_id} subject-erase auth');
    // Seven entities; the audit trail is read-only (list and read).
    expect(routes).toHaveLength(3 + 6 * 5 + 2 + 2);
  });

  it('stubs the GDPR endpoints (501) when no entity holds personal data, so the served app matches the document', () => {
    const ir = paymentsIr();
    ir.entities = ir.entities
      .filter((entity) => !['Customer', 'Account', 'ConsentRecord'].includes(entity.name))
      .map((entity) => ({
        ...entity,
        fields: entity.fields.filter(
          (field) => field.type !== 'email' && !['pii', 'phi'].includes(field.classification ?? ''),
        ),
      }));
    const routes = routeTable(ir).map(line);
    expect(routes).toContain('GET /api/v1/data-subjects/{subject_id}/export overlay auth');
    expect(routes).toContain('DELETE /api/v1/data-subjects/{subject_id} overlay auth');
  });

  it('lets the API read the audit trail but never write it', () => {
    const audit = routeTable(paymentsIr()).filter((r) => r.entity === 'AuditEvent');
    expect(audit.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/audit-events',
      'GET /api/v1/audit-events/{id}',
    ]);
  });

  it('gives every operation a unique id and every method+path once', () => {
    for (const ir of [paymentsIr(), clinicIr(), notesIr()]) {
      const routes = routeTable(ir);
      expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
      expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
    }
  });

  it('issues tokens only for jwt/oauth2 and protects nothing without auth', () => {
    expect(routeTable(clinicIr()).some((r) => r.kind === 'auth-token')).toBe(false);
    expect(
      routeTable(clinicIr())
        .filter((r) => r.entity)
        .every((r) => r.auth),
    ).toBe(true);
    expect(routeTable(notesIr()).every((r) => !r.auth)).toBe(true);
  });

  it('defaults an empty base path to /api/v1 and normalises slashes', () => {
    expect(basePath(notesIr())).toBe('/api/v1');
    const ir = notesIr();
    ir.api.basePath = 'v2/';
    expect(basePath(ir)).toBe('/v2');
    expect(routeTable(ir).map((r) => r.path)).toContain('/v2/notes/{id}');
  });

  it('marks overlay endpoints it does not implement as overlay routes', () => {
    const ir = notesIr();
    ir.api.endpoints = [
      { id: 'reports-run', method: 'POST', path: '/reports/run', description: 'Run reports', source: 'x' },
    ];
    expect(routeTable(ir).at(-1)).toMatchObject({
      kind: 'overlay',
      path: '/api/v1/reports/run',
      operationId: 'reports_run',
    });
  });
});
