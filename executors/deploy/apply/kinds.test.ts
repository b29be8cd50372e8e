// Apply order: kinds sort stably; a preview's PostgreSQL goes before the migration Job that needs it.
import { describe, expect, it } from 'vitest';
import { sortForApply } from './kinds.js';
import type { KubeObject } from './types.js';

const object = (kind: string, name: string, component?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(component ? { labels: { 'app.kubernetes.io/component': component } } : {}) },
});
const order = (objects: KubeObject[]) => sortForApply(objects).map((o) => `${o.kind}/${o.metadata.name}`);

describe('sortForApply', () => {
  it.each([
    {
      given: [object('Ingress', 'i'), object('Deployment', 'app'), object('Namespace', 'ns'), object('Job', 'migrate')],
      expected: ['Namespace/ns', 'Job/migrate', 'Deployment/app', 'Ingress/i'],
    },
    {
      given: [
        object('Job', 'migrate', 'migration'),
        object('Deployment', 'app', 'api'),
        object('Service', 'db', 'database'),
        object('Deployment', 'db', 'database'),
        object('Service', 'app', 'api'),
      ],
      expected: ['Deployment/db', 'Service/db', 'Job/migrate', 'Deployment/app', 'Service/app'],
    },
    {
      given: [object('CronJob', 'c'), object('ConfigMap', 'b'), object('ConfigMap', 'a'), object('Namespace', 'ns')],
      expected: ['Namespace/ns', 'ConfigMap/b', 'ConfigMap/a', 'CronJob/c'],
    },
  ])('orders $expected', ({ given, expected }) => {
    expect(order(given)).toEqual(expected);
  });
});
