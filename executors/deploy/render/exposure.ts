// How the API is reached: a ClusterIP Service inside the cluster, an Ingress with a cert-manager certificate outside.
import type { RenderContext } from './context.js';
import { meta, selectorLabels } from './metadata.js';
import type { RenderedObject } from './types.js';

export function service(ctx: RenderContext): RenderedObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, ctx.names.app),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(ctx, 'api'),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function ingress(ctx: RenderContext): RenderedObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(ctx, ctx.names.app, {
      annotations: { 'cert-manager.io/cluster-issuer': ctx.config.clusterIssuer },
    }),
    spec: {
      ingressClassName: ctx.config.ingressClass,
      tls: [{ hosts: [ctx.host], secretName: ctx.names.tls }],
      rules: [
        {
          host: ctx.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: ctx.names.app, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  };
}
