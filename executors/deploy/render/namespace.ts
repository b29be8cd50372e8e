// The service's namespace, its token-less ServiceAccount and the ConfigMap of its non-secret settings.
import type { RenderContext } from './context.js';
import { meta } from './metadata.js';
import type { RenderedObject } from './types.js';

export function namespace(ctx: RenderContext): RenderedObject {
  const metadata = meta(ctx, ctx.namespace, { namespaced: false });
  // Pod Security Admission refuses any pod in the namespace that is not as hardened as the ones rendered here.
  metadata.labels = {
    ...metadata.labels,
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'latest',
  };
  return { apiVersion: 'v1', kind: 'Namespace', metadata };
}

export function serviceAccount(ctx: RenderContext): RenderedObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(ctx, ctx.names.app),
    automountServiceAccountToken: false,
  };
}

export function configMap(ctx: RenderContext): RenderedObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(ctx, ctx.names.config),
    data: ctx.settings.config,
  };
}
