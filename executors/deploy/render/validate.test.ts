// validateObjects: one line per invalid object, naming it and what is wrong; valid objects give no line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../core/package-info.js';
import { childName } from './names.js';
import type { RenderedObject } from './types.js';
import { SCHEMA_KUBERNETES_VERSION, validateObjects } from './validate.js';

const configMap = (extra: Partial<RenderedObject> = {}): RenderedObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'shop-config', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'shop' } },
  data: { LOG_LEVEL: 'INFO' },
  ...extra,
});

describe('validateObjects', () => {
  it('accepts a valid object', () => {
    expect(validateObjects([configMap()])).toEqual([]);
  });

  it.each<[string, RenderedObject, RegExp]>([
    [
      'a schema type error',
      configMap({ data: { PORT: 8000 } as never }),
      /^ConfigMap shop-config: data\/PORT must be string$/,
    ],
    [
      'a bad enum',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny' },
        spec: { podSelector: {}, policyTypes: ['Both'] },
      },
      /^NetworkPolicy deny: spec\/policyTypes\/0 must be equal to one of the allowed values/,
    ],
    [
      'a missing required field',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop' }, spec: { template: {} } },
      /^Deployment shop: spec must have required property selector/,
    ],
    [
      'an unknown kind',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
      /^Secret x: v1 Secret is not a kind qlf renders/,
    ],
    [
      'a name that is not a DNS name',
      configMap({ metadata: { name: 'Shop_Config' } }),
      /name Shop_Config is not a DNS subdomain/,
    ],
    [
      'a Service name longer than a DNS label',
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a'.repeat(64) }, spec: {} },
      /is not a DNS label/,
    ],
    [
      'a label value with a space',
      configMap({ metadata: { name: 'c', labels: { 'qlf.dev/owner': 'Jane Doe' } } }),
      /label qlf.dev\/owner has an invalid value "Jane Doe"/,
    ],
    [
      'a bad label key',
      configMap({ metadata: { name: 'c', labels: { 'Bad Key/x': 'v' } } }),
      /label key Bad Key\/x is not a qualified name/,
    ],
  ])('reports %s', (_, object, problem) => {
    const problems = validateObjects([configMap(), object]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });
});

describe('childName', () => {
  it('keeps short names and cuts long ones to 63 characters, keeping the suffix and telling bases apart', () => {
    expect(childName('shop', 'migrate-0123456789')).toBe('shop-migrate-0123456789');
    const long = childName('a'.repeat(60), 'migrate-0123456789');
    expect(long).toHaveLength(63);
    expect(long.endsWith('-migrate-0123456789')).toBe(true);
    expect(long).not.toBe(childName(`${'a'.repeat(59)}b`, 'migrate-0123456789'));
  });
});

describe('SCHEMA_KUBERNETES_VERSION', () => {
  const models = (...path: string[]) => readFileSync(packagePath('node_modules', 'kubernetes-models', ...path), 'utf8');

  it('matches the installed kubernetes-models (4.5.0 moved to v1.33.0; 4.5.1 only bumped apimachinery)', () => {
    expect(JSON.parse(models('package.json')).version, 'update SCHEMA_KUBERNETES_VERSION from its CHANGELOG').toBe(
      '4.5.1',
    );
    expect(SCHEMA_KUBERNETES_VERSION).toBe('1.33.0');
  });

  it('is what the schemas hold: fields added in 1.33 are there, fields added in 1.34 are not', () => {
    expect(models('v1', 'Lifecycle.d.ts')).toContain('"stopSignal"'); // ContainerStopSignals, alpha in 1.33
    expect(models('networking.k8s.io', 'v1', 'ServiceCIDR.d.ts')).toContain('ServiceCIDR'); // GA in 1.33
    expect(models('v1', 'EnvVarSource.d.ts')).not.toContain('fileKeyRef'); // EnvFiles, alpha in 1.34
    expect(models('v1', 'PodSpec.d.ts')).not.toContain('hostnameOverride'); // alpha in 1.34
  });
});
