// The database dialect in the rendered objects: its egress port, and SQLite's file on an emptyDir migrated by an
// init container in the one pod that uses it.
import { describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { builtImage, compiledExamples, deployConfig, QLF_VERSION } from '../fixtures/render-inputs.js';
import { renderDeployment } from '../render.js';
import { validateObjects } from './validate.js';

// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Kubernetes objects
type Any = any;
const shop = (await compiledExamples(['shop'])).get('shop') as IR;
const withDatabase = (value: 'sqlite' | 'mysql'): IR => ({
  ...shop,
  stack: { ...shop.stack, database: { ...shop.stack.database, value } },
});
const render = (ir: IR) =>
  renderDeployment({ ir, build: builtImage(ir.name), config: deployConfig(), qlfVersion: QLF_VERSION });

describe('sqlite', () => {
  const result = render(withDatabase('sqlite'));
  const deployment = result.objects.find((o) => o.kind === 'Deployment') as Any;
  const pod = deployment.spec.template.spec;

  it('keeps the file on an emptyDir and migrates it in an init container instead of a Job', () => {
    expect(validateObjects(result.objects)).toEqual([]);
    expect(result.objects.map((o) => o.kind)).not.toContain('Job');
    const configMap = result.objects.find((o) => o.kind === 'ConfigMap') as Any;
    expect(configMap.data.DATABASE_URL).toBe('sqlite:////var/lib/app/app.db');
    expect(pod.initContainers[0].command).toEqual(['python', '-m', 'alembic', 'upgrade', 'head']);
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/app' });
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    }
    expect(result.secrets).toEqual([]);
  });

  it('runs one replica without an autoscaler, no database egress, and says why', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(result.objects.map((o) => o.kind)).not.toContain('HorizontalPodAutoscaler');
    expect(result.objects.some((o) => o.metadata.name.endsWith('-allow-database'))).toBe(false);
    expect(result.warnings.find((text) => text.startsWith('sqlite:'))).toContain('stack.database: postgresql');
  });
});

describe('mysql', () => {
  it('allows egress on 3306', () => {
    const result = render(withDatabase('mysql'));
    const policy = result.objects.find((o) => o.metadata.name.endsWith('-allow-database')) as Any;
    expect(policy.spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 3306 }] }]);
  });
});

describe('replicas and the autoscaler', () => {
  it('leaves spec.replicas to the HPA, whose floor is the brief replicas', () => {
    const result = render(shop);
    const deployment = result.objects.find((o) => o.kind === 'Deployment') as Any;
    const hpa = result.objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as Any;
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(hpa.spec.minReplicas).toBe(shop.ops.replicas.value);
  });
});

describe('backend', () => {
  it('refuses a backend other than FastAPI with a hint', () => {
    const express: IR = { ...shop, stack: { ...shop.stack, backend: { ...shop.stack.backend, value: 'express' } } };
    expect(() => render(express)).toThrow(
      expect.objectContaining({ code: 'E_DEPLOY_BACKEND', hint: expect.stringContaining('fastapi') }),
    );
  });
});
