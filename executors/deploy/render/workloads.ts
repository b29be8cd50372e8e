// The service's workloads: the Deployment serving the API and the Job that migrates its database first.
import { sha256 } from '../../../core/hash.js';
import type { RenderContext } from './context.js';
import { meta, podLabels, selectorLabels } from './metadata.js';
import { callerLabel, childName, shortHash } from './names.js';
import { containerSecurityContext, hardenedPodSpec, type Mount, TMP_MOUNT, volumeMounts } from './pod.js';
import { type SecretEnv, SQLITE_DIR } from './settings.js';
import type { RenderedObject } from './types.js';

export const APP_PORT = 8000;
const MIGRATE_COMMAND = ['python', '-m', 'alembic', 'upgrade', 'head'];
const SQLITE_MOUNT: Mount = { name: 'data', mountPath: SQLITE_DIR, sizeLimit: '1Gi' };

function secretEnv(list: SecretEnv[]) {
  return list.map((env) => ({ name: env.name, valueFrom: { secretKeyRef: { name: env.secret, key: env.key } } }));
}

function resources(ctx: RenderContext) {
  // Limits equal to requests: Guaranteed QoS, and the HPA's utilisation is measured against a fixed budget.
  const { cpu, memory } = ctx.ir.ops.resources;
  return { requests: { cpu, memory }, limits: { cpu, memory } };
}

function mounts(ctx: RenderContext): Mount[] {
  return ctx.database === 'sqlite' ? [SQLITE_MOUNT, TMP_MOUNT] : [TMP_MOUNT];
}

/** `alembic upgrade head` in the service's image, reading only the database URL. */
function migrateContainer(ctx: RenderContext) {
  const databaseUrl = ctx.settings.secretEnv.filter((env) => env.name === 'DATABASE_URL');
  return {
    name: 'migrate',
    image: ctx.image,
    imagePullPolicy: pullPolicy(ctx.image),
    command: MIGRATE_COMMAND,
    envFrom: [{ configMapRef: { name: ctx.names.config } }],
    ...(databaseUrl.length ? { env: secretEnv(databaseUrl) } : {}),
    resources: resources(ctx),
    securityContext: containerSecurityContext(),
    volumeMounts: volumeMounts(mounts(ctx)),
  };
}

/** `:latest` moves, so it is re-pulled; content-hash tags and digests never change under the same name. */
function pullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

function apiContainer(ctx: RenderContext) {
  const http = { port: 'http', scheme: 'HTTP' };
  return {
    name: 'api',
    image: ctx.image,
    imagePullPolicy: pullPolicy(ctx.image),
    ports: [{ name: 'http', containerPort: APP_PORT, protocol: 'TCP' }],
    envFrom: [{ configMapRef: { name: ctx.names.config } }],
    env: secretEnv(ctx.settings.secretEnv),
    resources: resources(ctx),
    // Up to 150 s to start (imports, first connection); liveness only after that, so a slow start is not a crash.
    startupProbe: { httpGet: { path: '/health', ...http }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
    livenessProbe: { httpGet: { path: '/health', ...http }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    // /ready fails while the database is unreachable or migrations are pending: such pods get no traffic.
    readinessProbe: { httpGet: { path: '/ready', ...http }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    securityContext: containerSecurityContext(),
    volumeMounts: volumeMounts(mounts(ctx)),
  };
}

/**
 * Jobs' pod templates are immutable, so the name carries a hash of the image: a new image is a new Job, and applying
 * the same image again leaves the finished Job alone. A SQLite service has no Job: its file lives in each pod, so
 * the pod migrates it in an init container.
 */
export function migrationJob(ctx: RenderContext): RenderedObject | undefined {
  if (ctx.database === 'sqlite') return undefined;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(ctx, childName(ctx.names.app, `migrate-${shortHash(ctx.image)}`), {
      component: 'migration',
      annotations: { 'qlf.dev/image': ctx.image },
    }),
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: 600,
      // A day to read its logs; re-applying after that re-runs it, which `upgrade head` makes a no-op.
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: podLabels(ctx, 'migration') },
        spec: hardenedPodSpec(ctx, {
          containers: [migrateContainer(ctx)],
          mounts: mounts(ctx),
          restartPolicy: 'Never',
        }),
      },
    },
  };
}

export function deployment(ctx: RenderContext): RenderedObject {
  const annotations: Record<string, string> = {};
  // The audit trail is rows in the service's own database (app/audit.py), so it needs no volume here.
  if (ctx.auditTable) annotations['qlf.dev/audit-trail'] = `database table ${ctx.auditTable}`;
  const callers = Object.fromEntries(ctx.ir.uses.map((callee) => [callerLabel(callee), 'true']));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ctx, ctx.names.app, { component: 'api', annotations }),
    spec: {
      // Left out when an HPA scales the Deployment: every apply would otherwise reset the replicas it chose.
      ...(ctx.scalable ? {} : { replicas: ctx.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx, 'api') },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: podLabels(ctx, 'api', callers),
          // ConfigMap edits do not restart pods by themselves: a changed hash here does.
          annotations: { 'qlf.dev/config-sha256': sha256(JSON.stringify(ctx.settings.config)).slice(0, 16) },
        },
        spec: hardenedPodSpec(ctx, {
          initContainers: ctx.database === 'sqlite' ? [migrateContainer(ctx)] : undefined,
          containers: [apiContainer(ctx)],
          mounts: mounts(ctx),
        }),
      },
    },
  };
}
