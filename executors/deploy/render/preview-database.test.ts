// Preview rendering: its own namespace and host, the preview's labels, and a throwaway PostgreSQL the app and its
// migration Job reach through the Secret the preview command creates.
import { describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { kubectl, kustomizeBuild, strict } from '../fixtures/kubectl.js';
import { builtImage, compiledExamples, deployConfig, QLF_VERSION } from '../fixtures/render-inputs.js';
import { renderDeployment } from '../render.js';
import type { PreviewOverrides } from './types.js';
import { validateObjects } from './validate.js';

// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Kubernetes objects
type Any = any;
const ir = (await compiledExamples(['payments'])).get('payments') as IR;
const preview: PreviewOverrides = {
  namespace: 'payments-pr-42',
  host: 'payments-pr-42.preview.example.com',
  // Values a YAML 1.1 parser would read as a boolean and a timestamp unless quoted.
  labels: { 'qlf.dev/preview': 'yes', 'qlf.dev/branch': 'feature-x' },
  annotations: { 'qlf.dev/expires-at': '2030-01-01T00:00:00Z' },
  database: 'throwaway',
};
const render = (overrides: PreviewOverrides) =>
  renderDeployment({
    ir,
    build: builtImage('payments'),
    config: deployConfig(),
    qlfVersion: QLF_VERSION,
    preview: overrides,
  });
const result = render(preview);
const find = (kind: string, name: string) =>
  result.objects.find((o) => o.kind === kind && o.metadata.name === name) as Any;

describe('preview with a throwaway database', () => {
  it('validates, lives in the preview namespace and serves the preview host', () => {
    expect(validateObjects(result.objects)).toEqual([]);
    expect(result.objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'payments-pr-42' } });
    expect(new Set(result.objects.slice(1).map((o) => o.metadata.namespace))).toEqual(new Set(['payments-pr-42']));
    expect(find('Ingress', 'payments').spec.rules[0].host).toBe('payments-pr-42.preview.example.com');
  });

  it("carries the preview's labels and annotations on every object", () => {
    for (const object of result.objects) {
      expect(object.metadata.labels).toMatchObject(preview.labels);
      expect(object.metadata.annotations).toMatchObject(preview.annotations);
    }
  });

  it('runs one API replica, with no autoscaler or disruption budget to hold up a drain', () => {
    const kinds = result.objects.map((o) => o.kind);
    expect(kinds).not.toContain('HorizontalPodAutoscaler');
    expect(kinds).not.toContain('PodDisruptionBudget');
    expect(find('Deployment', 'payments').spec.replicas).toBe(1);
  });

  it('runs PostgreSQL hardened as uid 70 with writable emptyDirs only', () => {
    const pod = find('Deployment', 'payments-postgres').spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 70,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    const container = pod.containers[0];
    expect(container.image).toBe('docker.io/library/postgres:16-alpine');
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.volumes.every((volume: Any) => volume.emptyDir)).toBe(true);
    expect(find('Service', 'payments-postgres').spec.ports[0].port).toBe(5432);
  });

  it('points DATABASE_URL of the app and the Job at the preview Secret, the rest at <name>-secrets', () => {
    const job = result.objects.find((o) => o.kind === 'Job') as Any;
    for (const pod of [find('Deployment', 'payments').spec.template.spec, job.spec.template.spec]) {
      const url = pod.containers[0].env.find((env: Any) => env.name === 'DATABASE_URL');
      expect(url.valueFrom.secretKeyRef).toEqual({ name: 'payments-preview-db', key: 'DATABASE_URL' });
    }
    expect(result.secrets).toEqual([
      { name: 'payments-preview-db', keys: ['DATABASE_URL', 'POSTGRES_DB', 'POSTGRES_PASSWORD', 'POSTGRES_USER'] },
      { name: 'payments-secrets', keys: ['AUTH_PASSWORD_HASH', 'AUTH_USERNAME', 'DATA_ENCRYPTION_KEY', 'JWT_SECRET'] },
    ]);
    expect(result.objects.map((o) => o.kind)).not.toContain('Secret');
  });

  it('lets only the API and the Job reach PostgreSQL, with no PCI egress warning', () => {
    const egress = find('NetworkPolicy', 'payments-allow-database').spec.egress;
    expect(egress[0].to).toEqual([
      {
        podSelector: {
          matchLabels: { 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/name': 'payments' },
        },
      },
    ]);
    const ingress = find('NetworkPolicy', 'payments-allow-postgres-clients').spec;
    expect(ingress.podSelector.matchLabels['app.kubernetes.io/component']).toBe('database');
    expect(ingress.ingress[0].from[0].podSelector.matchExpressions[0].values).toEqual(['api', 'migration']);
    expect(result.warnings.join('\n')).not.toContain('database egress');
  });

  it('starts PostgreSQL before the migration Job', () => {
    const order = result.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(order.indexOf('Deployment/payments-postgres')).toBeLessThan(order.findIndex((id) => id.startsWith('Job/')));
  });

  it.skipIf(!kubectl && !strict)(
    kubectl ? 'survives kubectl kustomize with string labels intact' : 'kubectl — skipped: kubectl not installed',
    () => {
      const documents = kustomizeBuild(result.files) as Any[];
      expect(documents).toHaveLength(result.objects.length);
      for (const doc of documents) {
        expect(doc.metadata.labels['qlf.dev/preview']).toBe('yes');
        expect(doc.metadata.annotations['qlf.dev/expires-at']).toBe('2030-01-01T00:00:00Z');
      }
    },
  );
});

describe('preview with the shared database', () => {
  it('reads DATABASE_URL from <name>-secrets and renders no PostgreSQL', () => {
    const shared = render({ ...preview, database: 'shared' });
    expect(shared.objects.some((o) => o.metadata.name === 'payments-postgres')).toBe(false);
    expect(shared.secrets.map((secret) => secret.name)).toEqual(['payments-secrets']);
    expect(validateObjects(shared.objects)).toEqual([]);
  });
});
