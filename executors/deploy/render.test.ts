// Renders every example brief and checks the objects as a cluster admin would: valid against the Kubernetes
// schemas, hardened pod by pod, no secret values anywhere, default-deny networking, byte-identical on a second
// render, and accepted by `kubectl kustomize`.
import { describe, expect, it } from 'vitest';
import { kubectl, kustomizeBuild, strict } from './fixtures/kubectl.js';
import { builtImage, compiledExamples, deployConfig, QLF_VERSION } from './fixtures/render-inputs.js';
import { validateObjects } from './render/validate.js';
import { type RenderedObject, renderDeployment } from './render.js';

const SECRET_SETTINGS = [
  'DATABASE_URL',
  'JWT_SECRET',
  'AUTH_USERNAME',
  'AUTH_PASSWORD_HASH',
  'API_KEYS',
  'DATA_ENCRYPTION_KEY',
];
const APPLY_ORDER = [
  'Namespace',
  'ServiceAccount',
  'ConfigMap',
  'NetworkPolicy',
  'Job',
  'Deployment',
  'Service',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'Ingress',
];

const examples = await compiledExamples();
const render = (name: string) =>
  renderDeployment({
    ir: examples.get(name)!,
    build: builtImage(name),
    config: deployConfig(),
    qlfVersion: QLF_VERSION,
  });

// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Kubernetes objects
type Any = any;
function podSpecs(objects: RenderedObject[]): [string, Any][] {
  return objects
    .filter((object) => object.kind === 'Deployment' || object.kind === 'Job')
    .map((object) => [`${object.kind} ${object.metadata.name}`, (object.spec as Any).template.spec]);
}

describe.each([...examples.keys()])('examples/%s', (name) => {
  const result = render(name);

  it('validates against the Kubernetes OpenAPI schemas', () => {
    expect(validateObjects(result.objects)).toEqual([]);
  });

  it('lists the objects in apply order, one Deployment, Job, Service and Ingress for the API', () => {
    const ranks = result.objects.map((object) => APPLY_ORDER.indexOf(object.kind));
    expect(ranks.every((rank) => rank >= 0)).toBe(true);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const kind of ['Namespace', 'ServiceAccount', 'ConfigMap', 'Job', 'Deployment', 'Service', 'Ingress']) {
      expect(result.objects.filter((object) => object.kind === kind)).toHaveLength(1);
    }
  });

  it('runs every pod non-root, read-only, without privileges, capabilities, token or writable root', () => {
    const specs = podSpecs(result.objects);
    expect(specs.length).toBe(2);
    for (const [where, spec] of specs) {
      expect(spec.automountServiceAccountToken, where).toBe(false);
      expect(spec.serviceAccountName, where).toBe(name);
      expect(spec.securityContext, where).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.volumes, where).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } });
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(container.securityContext, where).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.volumeMounts, where).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        expect(container.resources.requests, where).toEqual(examples.get(name)!.ops.resources);
      }
    }
    const sa = result.objects.find((object) => object.kind === 'ServiceAccount')!;
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it('probes the API: startup and liveness on /health, readiness on /ready', () => {
    const [, spec] = podSpecs(result.objects).find(([where]) => where.startsWith('Deployment'))!;
    const api = spec.containers[0];
    expect(api.startupProbe.httpGet.path).toBe('/health');
    expect(api.livenessProbe.httpGet.path).toBe('/health');
    expect(api.readinessProbe.httpGet.path).toBe('/ready');
    expect(api.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  });

  it('renders no Secret and reads every secret setting through a secretKeyRef', () => {
    expect(result.objects.map((object) => object.kind)).not.toContain('Secret');
    for (const file of result.files) expect(file.content, file.path).not.toMatch(/^kind: Secret$/m);
    const configMap = result.objects.find((object) => object.kind === 'ConfigMap')!;
    for (const key of SECRET_SETTINGS) expect(configMap.data as object, key).not.toHaveProperty(key);
    for (const [where, spec] of podSpecs(result.objects)) {
      for (const env of spec.containers.flatMap((container: Any) => container.env ?? [])) {
        expect(env.value, `${where} ${env.name}`).toBeUndefined();
        expect(env.valueFrom.secretKeyRef, `${where} ${env.name}`).toEqual({ name: `${name}-secrets`, key: env.name });
      }
    }
    const apiEnv = podSpecs(result.objects)[1]![1].containers[0].env.map((env: Any) => env.name);
    expect(apiEnv).toContain('DATABASE_URL');
    expect(result.secrets).toEqual([{ name: `${name}-secrets`, keys: [...apiEnv].sort() }]);
  });

  it('denies all traffic by default and lets in only the ingress controller', () => {
    const policies = result.objects.filter((object) => object.kind === 'NetworkPolicy') as Any[];
    const deny = policies.find((policy) => policy.metadata.name === `${name}-default-deny`);
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const ingress = policies.find((policy) => policy.metadata.name === `${name}-allow-ingress`);
    expect(ingress.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    ]);
    const egress = policies.flatMap((policy) => policy.spec.egress ?? []);
    expect(egress.flatMap((rule: Any) => rule.ports.map((port: Any) => port.port)).sort()).toEqual(
      examples.get(name)!.uses.length > 0 ? [53, 53, 5432, 8000] : [53, 53, 5432],
    );
  });

  it('renders byte-identical files for equal input', () => {
    expect(render(name).files).toEqual(result.files);
  });

  it.skipIf(!kubectl && !strict)(
    kubectl ? 'is accepted by kubectl kustomize' : 'kubectl kustomize — skipped: kubectl not installed',
    () => {
      const documents = kustomizeBuild(result.files) as Any[];
      expect(documents).toHaveLength(result.objects.length);
      const namespaces = new Set(documents.map((doc) => doc.metadata.namespace));
      expect(namespaces).toEqual(new Set([undefined, name]));
      // Read back by a YAML 1.1 parser, every value is what was rendered (no string turned into a bool or a date).
      const byKindName = (objects: Any[]) =>
        [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
      expect(byKindName(documents)).toEqual(byKindName(result.objects));
    },
  );
});

if (!kubectl) console.log('skipped: kubectl not installed');
