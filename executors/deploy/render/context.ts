// Everything the object builders share, resolved once from the render input (names, namespace, host, image,
// database, compliance decisions), plus the warnings those decisions raise.
import { QlfError } from '../../../core/errors.js';
import type { SqlDatabase } from '../../../schemas/common.js';
import type { DeployConfig } from '../../../schemas/config.js';
import type { IR } from '../../../schemas/ir.js';
import { fastapiView } from '../../generate/lib/fastapi-view.js';
import { imageRef } from './image.js';
import { type ServiceNames, serviceNames } from './names.js';
import { type ServiceSettings, serviceSettings } from './settings.js';
import type { PreviewOverrides, RenderInput } from './types.js';

export interface RenderContext {
  ir: IR;
  config: DeployConfig;
  qlfVersion: string;
  names: ServiceNames;
  namespace: string;
  host: string;
  preview?: PreviewOverrides;
  image: string;
  database: SqlDatabase;
  /** A PostgreSQL in the preview namespace instead of the service's real database. */
  throwawayDatabase: boolean;
  /** PCI DSS or HIPAA: database egress must go only to `deploy.database.cidr`. */
  restrictedEgress: boolean;
  /** GDPR with `deploy.residency`: objects labelled and pods pinned to the region's nodes. */
  residency?: { region: string; nodeLabel: string };
  replicas: number;
  /** A HorizontalPodAutoscaler and a PodDisruptionBudget: not for previews, not for per-pod SQLite files. */
  scalable: boolean;
  settings: ServiceSettings;
  /** Table the audit trail goes to, when the audit control is on. */
  auditTable?: string;
  warnings: string[];
}

/** Features whose providers (SMS, email, card processors, webhook receivers) the egress policy does not reach. */
const OUTBOUND_FEATURES = ['notifications', 'webhooks', 'payments'];

export function resolveContext(input: RenderInput): RenderContext {
  const { ir, config, preview } = input;
  if (ir.stack.backend.value !== 'fastapi') {
    throw new QlfError(
      'E_DEPLOY_BACKEND',
      `${ir.name}: deploy renders FastAPI services, not ${ir.stack.backend.value}`,
      {
        hint: 'set `stack.backend: fastapi` in the brief (the only backend qlf generates)',
      },
    );
  }
  const view = fastapiView(ir, input.qlfVersion);
  const names = serviceNames(ir.name);
  const compliance = new Set(ir.compliance.map((finding) => finding.value));
  const database = view.database;
  const throwawayDatabase = preview?.database === 'throwaway' && database !== 'sqlite';
  const image = imageRef(ir.name, input.build);
  const ctx: RenderContext = {
    ir,
    config,
    qlfVersion: input.qlfVersion,
    names,
    namespace: preview?.namespace ?? config.namespace ?? ir.name,
    host: preview?.host ?? `${ir.name}.${config.baseDomain}`,
    preview,
    image: image.ref,
    database,
    throwawayDatabase,
    restrictedEgress: compliance.has('pci-dss') || compliance.has('hipaa'),
    residency: compliance.has('gdpr') ? config.residency : undefined,
    // One pod per SQLite file: more would be separate databases behind one Service.
    replicas: preview || database === 'sqlite' ? 1 : ir.ops.replicas.value,
    scalable: !preview && database !== 'sqlite',
    settings: serviceSettings(ir, input.qlfVersion, names, database, throwawayDatabase),
    auditTable: view.audit ? view.auditTable : undefined,
    warnings: image.warning ? [image.warning] : [],
  };
  ctx.warnings.push(...decisionWarnings(ctx, compliance));
  return ctx;
}

function decisionWarnings(ctx: RenderContext, compliance: Set<string>): string[] {
  const warnings: string[] = [];
  const { ir, config } = ctx;
  if (ctx.restrictedEgress && !ctx.throwawayDatabase && ctx.database !== 'sqlite' && !config.database?.cidr) {
    const regimes = ['pci-dss', 'hipaa'].filter((name) => compliance.has(name)).join(' and ');
    warnings.push(
      `${regimes}: database egress is open to any address on port ${databasePort(ctx)}; set deploy.database.cidr ` +
        '(and port) in qlf.config.ts to restrict it to the database network',
    );
  }
  if (compliance.has('gdpr') && !config.residency) {
    warnings.push(
      'gdpr: pods may be scheduled on nodes in any region; set deploy.residency.region (and nodeLabel) in ' +
        'qlf.config.ts to pin them to nodes in the data-residency region',
    );
  }
  if (ctx.database === 'sqlite') {
    warnings.push(
      `sqlite: the database is a file on an emptyDir, lost when the pod goes, and the service runs 1 replica; use ` +
        '`stack.database: postgresql` for data that must survive',
    );
  }
  if (ctx.preview?.database === 'throwaway' && ctx.database === 'mysql') {
    warnings.push('preview: the throwaway database is PostgreSQL while the brief targets mysql');
  }
  const outbound = ir.features.map((finding) => finding.value).filter((name) => OUTBOUND_FEATURES.includes(name));
  if (outbound.length > 0) {
    warnings.push(
      `egress allows only DNS, the database and the services the brief uses: if the code reaches providers for ` +
        `${outbound.join(', ')}, allow them with a NetworkPolicy in your environment overlay`,
    );
  }
  return warnings;
}

/** The database port egress allows: `deploy.database.port`, else the dialect's default. */
export function databasePort(ctx: RenderContext): number {
  if (ctx.throwawayDatabase) return 5432;
  return ctx.config.database?.port ?? (ctx.database === 'mysql' ? 3306 : 5432);
}
