// Compliance decisions in the rendered objects: PCI DSS and HIPAA database egress, GDPR residency, the audit trail.
import { describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { builtImage, compiledExamples, deployConfig, QLF_VERSION } from '../fixtures/render-inputs.js';
import { renderDeployment } from '../render.js';
import type { RenderedObject } from './types.js';
import { validateObjects } from './validate.js';

const examples = await compiledExamples();
// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Kubernetes objects
type Any = any;

function render(name: string, config = deployConfig()) {
  return renderDeployment({ ir: examples.get(name) as IR, build: builtImage(name), config, qlfVersion: QLF_VERSION });
}

function databaseEgress(objects: RenderedObject[]): Any {
  const policy = objects.find((object) => object.metadata.name.endsWith('-allow-database')) as Any;
  return policy.spec.egress;
}

function podSpecs(objects: RenderedObject[]): Any[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => (o.spec as Any).template.spec);
}

describe('PCI DSS and HIPAA: database egress', () => {
  it.each(['payments', 'patients', 'clinic'])(
    '%s: open egress comes with a warning naming deploy.database.cidr',
    (name) => {
      const result = render(name);
      expect(databaseEgress(result.objects)).toEqual([{ ports: [{ protocol: 'TCP', port: 5432 }] }]);
      const warning = result.warnings.find((text) => text.includes('database egress is open'));
      expect(warning).toMatch(/^(pci-dss|hipaa): .*deploy\.database\.cidr/);
    },
  );

  it('payments: egress goes only to deploy.database.cidr and port when set, without a warning', () => {
    const result = render('payments', deployConfig({ database: { cidr: '10.20.0.0/24', port: 6432 } }));
    expect(databaseEgress(result.objects)).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 6432 }] },
    ]);
    expect(result.warnings.join('\n')).not.toContain('database egress');
    expect(validateObjects(result.objects)).toEqual([]);
  });

  it('payments: only the API and the migration Job may reach the database', () => {
    const policy = render('payments').objects.find((o) => o.metadata.name === 'payments-allow-database') as Any;
    expect(policy.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'payments' },
      matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['api', 'migration'] }],
    });
  });

  it('a service under neither regime has no egress warning', () => {
    expect(render('orders').warnings.join('\n')).not.toContain('database egress');
  });
});

describe('GDPR: data residency', () => {
  const residency = { region: 'eu-central-1', nodeLabel: 'topology.kubernetes.io/region' };

  it.each(['shop', 'crm', 'clinic'])('%s: labels every object and pins every pod to the region', (name) => {
    const result = render(name, deployConfig({ residency }));
    for (const object of result.objects) {
      expect(object.metadata.labels?.['qlf.dev/data-residency'], object.kind).toBe('eu-central-1');
    }
    for (const spec of podSpecs(result.objects)) {
      expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: 'topology.kubernetes.io/region', operator: 'In', values: ['eu-central-1'] }] },
      ]);
    }
    expect(result.warnings.join('\n')).not.toContain('gdpr');
    expect(validateObjects(result.objects)).toEqual([]);
  });

  it('shop: without deploy.residency, a warning says how to pin the pods', () => {
    const result = render('shop');
    expect(result.warnings.find((text) => text.startsWith('gdpr:'))).toContain('deploy.residency.region');
    expect(podSpecs(result.objects).every((spec) => spec.affinity === undefined)).toBe(true);
  });

  it('payments (not GDPR): residency config leaves it unpinned', () => {
    const result = render('payments', deployConfig({ residency }));
    expect(result.objects[0]?.metadata.labels).not.toHaveProperty('qlf.dev/data-residency');
  });
});

describe('audit trail', () => {
  it('payments: the Deployment names the table the audit rows go to (no audit volume: they are database rows)', () => {
    const deployment = render('payments').objects.find((o) => o.kind === 'Deployment') as Any;
    expect(deployment.metadata.annotations['qlf.dev/audit-trail']).toBe('database table audit_events');
    expect(podSpecs([deployment])[0].volumes.map((volume: Any) => volume.name)).toEqual(['tmp']);
  });

  it('orders (audit off): no audit annotation', () => {
    const deployment = render('orders').objects.find((o) => o.kind === 'Deployment') as Any;
    expect(deployment.metadata.annotations).not.toHaveProperty('qlf.dev/audit-trail');
  });
});
