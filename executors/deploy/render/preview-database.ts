// A preview's throwaway PostgreSQL: one pod, data on an emptyDir (gone with the preview), credentials from the
// Secret the preview command creates. Hardened like the app, as far as PostgreSQL allows.
import type { RenderContext } from './context.js';
import { meta, podLabels, selectorLabels } from './metadata.js';
import { containerSecurityContext, hardenedPodSpec, type Mount, TMP_MOUNT, volumeMounts } from './pod.js';
import type { RenderedObject } from './types.js';

export const POSTGRES_IMAGE = 'docker.io/library/postgres:16-alpine';
/** The `postgres` user of the Alpine image: its entrypoint skips the root-only chown steps when started as it. */
const POSTGRES_UID = 70;
const DATA: Mount = { name: 'data', mountPath: '/var/lib/postgresql/data', sizeLimit: '1Gi' };
/** The server's Unix socket and lock file; the image keeps them on the (read-only) root filesystem otherwise. */
const SOCKET: Mount = { name: 'run', mountPath: '/var/run/postgresql', sizeLimit: '16Mi' };

function fromSecret(ctx: RenderContext, name: string) {
  return { name, valueFrom: { secretKeyRef: { name: ctx.names.previewDbSecret, key: name } } };
}

function postgresContainer(ctx: RenderContext) {
  const probe = { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-p', '5432'] }, timeoutSeconds: 3 };
  return {
    name: 'postgres',
    image: POSTGRES_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
    env: [
      fromSecret(ctx, 'POSTGRES_USER'),
      fromSecret(ctx, 'POSTGRES_PASSWORD'),
      fromSecret(ctx, 'POSTGRES_DB'),
      // A subfolder: initdb refuses a mount point that is not empty (lost+found on some volume types).
      { name: 'PGDATA', value: `${DATA.mountPath}/pgdata` },
    ],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    readinessProbe: { ...probe, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 },
    securityContext: containerSecurityContext(),
    volumeMounts: volumeMounts([DATA, SOCKET, TMP_MOUNT]),
  };
}

export function previewDatabase(ctx: RenderContext): RenderedObject[] {
  if (!ctx.throwawayDatabase) return [];
  const name = ctx.names.previewDb;
  // What the preview command puts under DATABASE_URL in the same Secret, for the app and its migration Job.
  const urlNote = {
    'qlf.dev/database-url-format': `postgresql://<POSTGRES_USER>:<POSTGRES_PASSWORD>@${name}:5432/<POSTGRES_DB>`,
  };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ctx, name, { component: 'database', annotations: urlNote }),
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(ctx, 'database') },
        // One server on one emptyDir: a second pod would be a second, empty database.
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: podLabels(ctx, 'database') },
          spec: hardenedPodSpec(ctx, {
            containers: [postgresContainer(ctx)],
            mounts: [DATA, SOCKET, TMP_MOUNT],
            uid: POSTGRES_UID,
          }),
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, name, { component: 'database' }),
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels(ctx, 'database'),
        ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
      },
    },
  ];
}
