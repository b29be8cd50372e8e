// Checks rendered objects against the Kubernetes OpenAPI schemas (kubernetes-models 4.5.1: Kubernetes v1.33.0) and
// the API server's rules for names and labels, which those schemas do not carry. Returns every problem at once.
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { RenderedObject } from './types.js';

/** The Kubernetes release whose OpenAPI document the installed kubernetes-models was generated from. */
export const SCHEMA_KUBERNETES_VERSION = '1.33.0';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names become DNS labels (hostnames, namespace names). */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

function nameProblem(object: RenderedObject): string | undefined {
  const { name } = object.metadata;
  if (LABEL_NAMED.has(object.kind)) {
    return name.length <= 63 && DNS_LABEL.test(name)
      ? undefined
      : `name ${name} is not a DNS label (a-z, 0-9, -; ≤ 63)`;
  }
  return name.length <= 253 && DNS_SUBDOMAIN.test(name) ? undefined : `name ${name} is not a DNS subdomain`;
}

function labelProblems(labels: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const [prefix, name] = key.includes('/')
      ? [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)]
      : ['', key];
    const keyOk = (prefix === '' || DNS_SUBDOMAIN.test(prefix)) && name.length <= 63 && LABEL_NAME.test(name);
    if (!keyOk) problems.push(`label key ${key} is not a qualified name`);
    if (value.length > 63 || !LABEL_VALUE.test(value))
      problems.push(`label ${key} has an invalid value ${JSON.stringify(value)}`);
  }
  return problems;
}

/** Every label map of an object: its own and its pod template's. */
function allLabels(object: RenderedObject): Record<string, string> {
  const template = (object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)
    ?.template;
  return { ...object.metadata.labels, ...template?.metadata?.labels };
}

/** One line per invalid object: `Kind name: what is wrong`. Empty when all are valid. */
export function validateObjects(objects: RenderedObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const where = `${object.kind} ${object.metadata?.name ?? '(no name)'}`;
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    const found: string[] = [];
    if (!Model) found.push(`${object.apiVersion} ${object.kind} is not a kind qlf renders or validates`);
    else {
      try {
        new Model(object as never).validate();
      } catch (error) {
        // AJV names the root `data`: `data/spec/replicas must be integer` reads better as `spec/replicas …`.
        found.push(
          (error as Error).message.replace(
            /(^|, )data(\/| )/g,
            (_, sep, next) => sep + (next === ' ' ? '(object) ' : ''),
          ),
        );
      }
    }
    if (object.metadata?.name !== undefined) {
      const problem = nameProblem(object);
      if (problem) found.push(problem);
      found.push(...labelProblems(allLabels(object)));
    }
    if (found.length > 0) problems.push(`${where}: ${found.join('; ')}`);
  }
  return problems;
}
