// The view model of the generated service's README: settings, endpoints, data model and compliance notes, derived
// from the IR, the route table and the backend's view so the document describes the service that is generated.
import type { IR, IRField } from '../../../schemas/ir.js';
import { fastapiView } from './fastapi-view.js';
import { isEncrypted, isMaskedLast4 } from './physical-model.js';
import { routeTable } from './routes.js';

export interface ReadmeSetting {
  name: string;
  /** `required` settings are secrets or identities with no default: the service refuses to start without them. */
  required: boolean;
  default?: string;
  meaning: string;
}

/** Text safe inside a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|');
}

/** An example URL for the brief's database (no password: that comes from a secret store). */
export function databaseExample(database: 'postgresql' | 'mysql' | 'sqlite', dbName: string): string {
  if (database === 'sqlite') return 'sqlite:///./app.db';
  return database === 'mysql'
    ? `mysql://${dbName}@localhost:3306/${dbName}`
    : `postgresql://${dbName}@localhost:5432/${dbName}`;
}

/** The environment variables `app/settings.py` reads, in the order it reads them. */
export function readmeSettings(ir: IR, qlfVersion: string): ReadmeSetting[] {
  const view = fastapiView(ir, qlfVersion);
  const settings: ReadmeSetting[] = [
    view.database === 'sqlite'
      ? {
          name: 'DATABASE_URL',
          required: false,
          default: 'sqlite:///./app.db',
          meaning: 'Database URL: SQLite by default; `postgresql://…` and `mysql://…` work too.',
        }
      : {
          name: 'DATABASE_URL',
          required: true,
          meaning: `Database URL, e.g. \`${databaseExample(view.database, view.dbName)}\` (the password belongs in a secret store).`,
        },
    { name: 'DB_POOL_SIZE', required: false, default: '5', meaning: 'Connections kept open per process.' },
    { name: 'DB_MAX_OVERFLOW', required: false, default: '10', meaning: 'Extra connections allowed under load.' },
    {
      name: 'DB_POOL_TIMEOUT',
      required: false,
      default: '30',
      meaning: 'Seconds a request waits for a free connection.',
    },
    {
      name: 'DB_POOL_RECYCLE',
      required: false,
      default: '1800',
      meaning: 'Seconds after which a connection is replaced (before a proxy or server drops it).',
    },
    { name: 'LOG_LEVEL', required: false, default: 'INFO', meaning: 'Log level: DEBUG, INFO, WARNING or ERROR.' },
    {
      name: 'RETENTION_DAYS',
      required: false,
      default: String(view.retentionDays),
      meaning: 'Age in days after which `python -m app.retention` deletes records holding classified data.',
    },
    {
      name: 'MAX_BODY_BYTES',
      required: false,
      default: String(1024 * 1024),
      meaning: 'Largest request body accepted; a larger one gets 413.',
    },
    {
      name: 'RATE_LIMIT_PER_MINUTE',
      required: false,
      default: String(view.rateLimitPerMinute ?? 0),
      meaning: 'Requests per client per minute; 0 turns the limiter off.',
    },
  ];
  if (view.issuesTokens) {
    settings.push(
      {
        name: 'JWT_SECRET',
        required: true,
        meaning: 'Signs the bearer tokens: at least 32 characters of random data.',
      },
      { name: 'JWT_EXPIRE_MINUTES', required: false, default: '30', meaning: 'Lifetime of an issued token.' },
      { name: 'AUTH_USERNAME', required: true, meaning: 'The user allowed to request tokens at `POST /auth/token`.' },
      {
        name: 'AUTH_PASSWORD_HASH',
        required: true,
        meaning: "That user's password hash, made with `python -m app.security hash-password`.",
      },
    );
  }
  if (view.auth === 'api-key') {
    settings.push({ name: 'API_KEYS', required: true, meaning: 'Comma-separated accepted `X-API-Key` values.' });
  }
  if (view.encryption) {
    settings.push({
      name: 'DATA_ENCRYPTION_KEY',
      required: true,
      meaning: 'Fernet key encrypting classified fields at rest; losing it makes them unreadable.',
    });
  }
  return settings;
}

function typeLabel(field: IRField): string {
  if (field.type === 'enum' && field.values?.length) return `enum (${field.values.join(', ')})`;
  if (field.type === 'decimal') return 'decimal (18, 2)';
  return field.type;
}

/** How a classified field is stored and shown, in words. */
function handlingNotes(field: IRField): string[] {
  const notes: string[] = [];
  if (field.classification) notes.push(`classified ${field.classification}`);
  if (field.handling?.tokenize) notes.push('tokenised before storage');
  else if (isEncrypted(field)) notes.push('encrypted at rest');
  if (isEncrypted(field) && field.unique) notes.push('unique through a keyed hash');
  if (isMaskedLast4(field)) notes.push('responses show the last 4 characters');
  if (field.handling?.responses === 'omit') notes.push('never returned');
  if (field.handling?.inList === false) notes.push('left out of lists');
  if (field.handling?.logs === 'redact') notes.push('redacted from logs');
  if (field.handling?.retentionDays) notes.push(`kept ${field.handling.retentionDays} days`);
  return notes;
}

function sentence(kind: string, from: string, to: string, required: boolean): string {
  if (kind === 'many-to-many') return `${from} ↔ ${to}: many-to-many`;
  return `${from} → ${to}: ${kind}${required ? ' (required)' : ' (optional)'}`;
}

export function readmeView(ir: IR, qlfVersion: string) {
  const view = fastapiView(ir, qlfVersion);
  const controls = Object.entries(ir.controls)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value: String(value) }));
  const handled = ir.entities.flatMap((entity) =>
    entity.fields
      .filter((field) => field.classification || field.handling)
      .map((field) => ({ entity: entity.name, field: field.name, notes: handlingNotes(field).join('; ') })),
  );
  return {
    header: `<!-- Generated by qlf ${qlfVersion} from brief ${ir.name}. Your edits are kept when you regenerate (three-way merge). -->`,
    name: ir.name,
    description: ir.description.trim(),
    version: qlfVersion,
    domain: ir.domain.value,
    auth: view.auth,
    database: view.database,
    issuesTokens: view.issuesTokens,
    basePath: view.basePath,
    pagination: view.pagination,
    /** A list path to show in the pagination example. */
    examplePath: routeTable(ir).find((route) => route.kind === 'list')?.path,
    settings: readmeSettings(ir, qlfVersion).map((setting) => ({ ...setting, meaning: cell(setting.meaning) })),
    requiredSettings: readmeSettings(ir, qlfVersion).filter((setting) => setting.required),
    routes: routeTable(ir).map((route) => ({ ...route, summary: cell(route.summary) })),
    entities: ir.entities.map((entity) => ({
      name: entity.name,
      table: entity.table,
      resource: entity.resource,
      description: entity.description ? cell(entity.description) : undefined,
      fields: entity.fields.map((field) => ({
        name: field.name,
        type: typeLabel(field),
        required: field.required,
        unique: field.unique,
        notes: cell(handlingNotes(field).join('; ')),
      })),
    })),
    relationships: ir.relationships.map((rel) => sentence(rel.kind, rel.from, rel.to, rel.required)),
    compliance: ir.compliance.map((finding) => finding.value),
    overlays: ir.overlays.applied.map((overlay) => ({
      ...overlay,
      cause: overlay.requiredBy?.length ? `required by ${overlay.requiredBy.join(', ')}` : overlay.reason,
    })),
    decisions: ir.overlays.decisions.map((decision) => ({
      setting: decision.setting,
      value: JSON.stringify(decision.value),
      winner: decision.winner,
      overruled: decision.overruled.map((entry) => entry.overlay).join(', '),
    })),
    controls,
    handled,
    audit: view.audit,
    idempotency: view.idempotency,
    retention: view.retentionDays,
  };
}
