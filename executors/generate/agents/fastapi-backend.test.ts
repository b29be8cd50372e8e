import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clinicIr, notesIr, paymentsIr, withPagination } from '../../../testing/sample-irs.js';
import { physicalModel } from '../lib/physical-model.js';
import fastapiBackend from './fastapi-backend.js';

const ctx = { qlfVersion: '9.9.9' };
interface AlertFile {
  groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string> }[] }[];
}

const files = (ir = paymentsIr()) => new Map(fastapiBackend.generate(ir, ctx).map((f) => [f.path, f.content]));

/** `name = sa.Column(` attribute names per model class in models.py. */
function modelColumns(source: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current = '';
  for (const line of source.split('\n')) {
    const header = /^class (\w+)\(Base\):/.exec(line);
    if (header) current = header[1] as string;
    const column = /^ {4}(\w+) = sa\.Column\((?:"(\w+)", )?/.exec(line);
    if (column && current) result.set(current, [...(result.get(current) ?? []), column[2] ?? (column[1] as string)]);
  }
  return result;
}

describe('fastapi-backend agent', () => {
  it('serves only FastAPI stacks', () => {
    expect(fastapiBackend.score(paymentsIr())).toBeGreaterThan(0);
    const ir = paymentsIr();
    ir.stack.backend.value = 'express';
    expect(fastapiBackend.score(ir)).toBe(0);
  });

  it('gives every model exactly the columns of the physical model', () => {
    for (const ir of [paymentsIr(), clinicIr(), notesIr()]) {
      const columns = modelColumns(files(ir).get('app/models.py') ?? '');
      for (const table of physicalModel(ir).tables) {
        expect(columns.get(table.entity.name), table.entity.name).toEqual(table.columns.map((c) => c.name));
      }
    }
  });

  it('stores card numbers only encrypted, hashed and as last four, and masks them in responses', () => {
    const out = files();
    const models = out.get('app/models.py') ?? '';
    expect(models).toContain('card_number_encrypted = sa.Column(sa.Text()');
    expect(models).toContain('card_number_hash = sa.Column(sa.String(64), nullable=False)\n');
    expect(models).toContain('sa.UniqueConstraint("card_number_hash", name="uq_payments_card_number_hash"),');
    expect(models).not.toMatch(/unique=True|index=True/);
    expect(models).not.toMatch(/^\s+card_number = /m);
    expect(out.get('app/routers/payments.py')).toContain('"card_number": mask_last4(item.card_number_last4)');
    expect(out.get('app/schemas.py')).toMatch(/class PaymentListItem\(ResponseModel\):(?:(?!class ).)*?\n\n/s);
  });

  it('keeps decimals as Numeric and never float', () => {
    const out = files();
    expect(out.get('app/models.py')).toContain('total = sa.Column(ExactDecimal(18, 2), nullable=False)');
    expect(out.get('app/schemas.py')).toContain(
      'total: condecimal(max_digits=18, decimal_places=2, ge=0) = Field(...)',
    );
    for (const [path, content] of out) {
      if (/models|schemas|routers/.test(path)) expect(content, path).not.toMatch(/\bfloat\b|sa\.Float/);
    }
  });

  it('adds optional modules only when the IR needs them', () => {
    const notes = files(notesIr());
    for (const path of [
      'app/crypto.py',
      'app/audit.py',
      'app/idempotency.py',
      'app/routers/auth.py',
      'app/routers/data_subjects.py',
    ]) {
      expect(notes.has(path), path).toBe(false);
      expect(files().has(path), path).toBe(true);
    }
    expect(notes.get('requirements.txt')).not.toContain('cryptography');
    expect(files().get('requirements.txt')).toContain('cryptography');
  });

  it("pins the runtime requirements exactly, with the driver of the brief's database, and the test tools apart", () => {
    const pins = (text = '') => text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const sqlite = files(notesIr());
    expect(pins(sqlite.get('requirements.txt'))).toEqual([
      'alembic==1.8.1',
      'fastapi==0.92.0',
      'prometheus-client==0.16.0',
      'pydantic==1.10.4',
      'sqlalchemy==1.4.46',
      'uvicorn==0.17.6',
    ]);
    expect(pins(sqlite.get('requirements-dev.txt'))).toEqual(['-r requirements.txt', 'httpx==0.23.3', 'pytest==7.2.1']);
    expect(sqlite.get('requirements.txt')).toContain('# Tested stack: Debian 12 (bookworm) packages on Python 3.11.2');
    const postgres = paymentsIr();
    postgres.stack.database.value = 'postgresql';
    // psycopg2 2.9.5 as a wheel (SQLAlchemy 1.4 has no psycopg 3 dialect), and no other psycopg.
    expect(pins(files(postgres).get('requirements.txt')).filter((line) => line.startsWith('psycopg'))).toEqual([
      'psycopg2-binary==2.9.5',
    ]);
    const mysql = paymentsIr();
    mysql.stack.database.value = 'mysql';
    expect(pins(files(mysql).get('requirements.txt'))).toContain('pymysql==1.0.2');
    expect(pins(files(mysql).get('requirements.txt')).filter((line) => line.startsWith('cryptography'))).toHaveLength(
      1,
    );
  });

  it('serves /metrics for an internal scrape: no credentials, not in the API document, every answer counted', () => {
    const main = files().get('app/main.py') ?? '';
    expect(main).toContain('app.add_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)');
    // Middleware added last runs first: the metrics see the 500s, 413s and 429s of the others.
    const added = [...main.matchAll(/app\.add_middleware\(\s*(\w+)/g)].map((m) => m[1]);
    expect(added.at(-1)).toBe('MetricsMiddleware');
    expect(main).toContain('on_reject=app.state.metrics.rate_limit_rejections.inc');
    expect(files().get('app/middleware.py')).toContain('EXEMPT = ("/health", "/ready", "/metrics")');
    expect(files().get('app/audit.py')).toContain('note_audit_event(db, entity, action)');
  });

  it('names the metrics alike in every service, with the overlay counters only where the overlays apply', () => {
    const names = (ir: ReturnType<typeof paymentsIr>) =>
      [...(files(ir).get('app/metrics.py') ?? '').matchAll(/"((?:http|db_pool|audit|rate_limit|idempotent)_\w+)"/g)]
        .map((m) => m[1])
        .sort();
    const common = [
      'db_pool_checked_out',
      'db_pool_max_overflow',
      'db_pool_overflow',
      'db_pool_size',
      'http_request_duration_seconds',
      'http_requests_total',
      'rate_limit_rejections_total',
    ];
    expect(names(paymentsIr())).toEqual([...common, 'audit_events_written_total', 'idempotent_replays_total'].sort());
    expect(names(clinicIr())).toEqual([...common, 'audit_events_written_total'].sort());
    expect(names(notesIr())).toEqual(common);
    expect(files(notesIr()).get('app/metrics.py')).not.toContain('audit');
  });

  it('ships a Grafana dashboard and Prometheus alert rules for the service, selecting its scrape job', () => {
    for (const ir of [paymentsIr(), clinicIr(), notesIr()]) {
      const out = files(ir);
      const dashboard = JSON.parse(out.get('observability/grafana-dashboard.json') ?? '') as {
        title: string;
        panels: { title: string; targets: { expr: string }[] }[];
      };
      expect(dashboard.title).toBe(ir.name);
      const rules = (parse(out.get('observability/alerts.yml') ?? '') as AlertFile).groups[0]?.rules ?? [];
      expect(rules.map((rule) => rule.alert)).toEqual(['High5xxRate', 'HighLatencyP95', 'DatabasePoolExhausted']);
      const exprs = [
        ...dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr)),
        ...rules.map((r) => r.expr),
      ];
      for (const expr of exprs) {
        const jobs = [...expr.matchAll(/job="([^"]*)"/g)].map((m) => m[1]);
        expect(jobs.length, expr).toBeGreaterThan(0);
        expect(new Set(jobs), expr).toEqual(new Set([ir.name]));
      }
      expect(rules.every((rule) => rule.labels.service === ir.name)).toBe(true);
      const titles = dashboard.panels.map((panel) => panel.title);
      expect(titles.slice(0, 4)).toEqual([
        'Request rate by route',
        'Error rate',
        'Latency p95 by route',
        'Database pool',
      ]);
      expect(titles.includes('Audit events written'), ir.name).toBe(ir.controls.auditLog);
    }
    expect(files(notesIr()).get('observability/grafana-dashboard.json')).not.toContain('idempotent_replays_total');
  });

  it('writes the overlay audit entity when the IR has one', () => {
    const audit = files().get('app/audit.py') ?? '';
    expect(audit).toContain('AuditEvent(');
    expect(audit).toContain('resource=entity');
    expect(files(clinicIr()).get('app/audit.py')).toContain(
      'action=_allowed_action(action, ["read","create","update","delete","export"])',
    );
  });

  it('puts the header on every Python file and no secret values anywhere', () => {
    for (const [path, content] of files()) {
      if (path.endsWith('.py'))
        expect(content.split('\n')[0], path).toBe(
          '# Generated by qlf 9.9.9 from brief payments. Your edits are kept when you regenerate (three-way merge).',
        );
      expect(content, path).not.toMatch(
        /\b(\w*_)?(SECRET|PASSWORD|TOKEN|API_KEY|ENCRYPTION_KEY)S?\s*=\s*["'][^"'\s]{8,}["']/i,
      );
    }
    for (const line of (files().get('.env.example') ?? '').split('\n')) {
      if (/^(JWT_SECRET|DATA_ENCRYPTION_KEY|AUTH_PASSWORD_HASH|API_KEYS)=/.test(line)) expect(line).toMatch(/=$/);
    }
  });

  it.each([
    ['offset', 'paginate(db, models.Order, filters, limit, offset)', ['limit: int', 'offset: int'], '"total": total'],
    [
      'cursor',
      'paginate_after(db, models.Order, filters, limit, cursor)',
      ['limit: int', 'cursor: Optional[str] = Query(None, max_length=64'],
      '"next_cursor": next_cursor',
    ],
    ['none', 'list_all(db, models.Order, filters)', [], '"items": ['],
  ] as const)('lists records as pagination %s asks', (mode, call, params, returned) => {
    const out = files(withPagination(paymentsIr(), mode));
    const router = out.get('app/routers/orders.py') ?? '';
    const signature = /def list_orders\((.*?)\) ->/s.exec(router)?.[1] ?? '';
    expect(router).toContain(call);
    for (const param of params) expect(signature).toContain(param);
    for (const param of ['limit', 'offset', 'cursor']) {
      if (!params.some((p) => p.startsWith(`${param}:`))) expect(signature).not.toContain(`${param}:`);
    }
    expect(router).toContain(returned);
    const crud = out.get('app/crud.py') ?? '';
    const helpers = [...crud.matchAll(/^def (\w+)/gm)].map((m) => m[1]);
    const own = {
      offset: ['paginate'],
      cursor: ['encode_cursor', 'decode_cursor', 'paginate_after'],
      none: ['list_all'],
    };
    for (const [other, names] of Object.entries(own)) {
      for (const name of names) expect(helpers.includes(name), `${mode}: ${name}`).toBe(other === mode);
    }
    const list =
      /class OrderList\(ResponseModel\):\n(.*?)(?:\n\n\n|$)/s.exec(out.get('app/schemas.py') ?? '')?.[1] ?? '';
    const fields = [...list.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1]);
    expect(fields).toEqual(
      { offset: ['items', 'total', 'limit', 'offset'], cursor: ['items', 'next_cursor'], none: ['items'] }[mode],
    );
  });

  it.each([
    ['offset', 'offset'],
    ['cursor', 'cursor'],
    ['cursor', 'limit'],
  ] as const)('does not filter by a field that a %s page parameter shadows (%s)', (mode, name) => {
    const ir = withPagination(notesIr(), mode);
    ir.entities[0]?.fields.push({
      name,
      type: 'string',
      required: false,
      unique: false,
      origin: 'explicit',
      confidence: 1,
    });
    const router = files(ir).get('app/routers/notes.py') ?? '';
    expect(router).toContain('alias="title"');
    expect(router).not.toContain(`alias="${name}"`);
  });

  it('renames columns SQLAlchemy reserves but keeps their names in the table', () => {
    expect(files(clinicIr()).get('app/models.py')).toContain(
      'metadata_ = sa.Column("metadata", sa.JSON(), nullable=True)',
    );
  });
});
