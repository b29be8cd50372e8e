// NetworkPolicies: deny everything in the namespace, then allow exactly what the service needs: traffic from the
// ingress controller (and from services that call it), DNS, its database, and the services it calls.
import { databasePort, type RenderContext } from './context.js';
import { COMPONENT_LABEL, type Component, meta, NAME_LABEL, selectorLabels } from './metadata.js';
import { callerLabel, childName } from './names.js';
import type { RenderedObject } from './types.js';
import { APP_PORT } from './workloads.js';

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

function policy(ctx: RenderContext, suffix: string, spec: Record<string, unknown>): RenderedObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(ctx, childName(ctx.names.app, suffix)),
    spec,
  };
}

function inNamespace(name: string) {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: name } } };
}

function tcp(port: number) {
  return { protocol: 'TCP', port };
}

/** Pods of these components of this service. */
function components(ctx: RenderContext, names: Component[]) {
  return {
    matchLabels: { [NAME_LABEL]: ctx.names.app },
    matchExpressions: [{ key: COMPONENT_LABEL, operator: 'In', values: names }],
  };
}

/** Where database traffic may go: the preview's PostgreSQL, `deploy.database.cidr`, or (with a warning) anywhere. */
function databaseDestination(ctx: RenderContext) {
  if (ctx.throwawayDatabase) return { to: [{ podSelector: { matchLabels: selectorLabels(ctx, 'database') } }] };
  if (ctx.config.database?.cidr) return { to: [{ ipBlock: { cidr: ctx.config.database.cidr } }] };
  return {};
}

export function networkPolicies(ctx: RenderContext): RenderedObject[] {
  const policies = [
    // Selects every pod of the namespace: anything not allowed below is dropped, in and out.
    policy(ctx, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(ctx, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [inNamespace('kube-system')], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }],
    }),
    policy(ctx, 'allow-ingress', {
      podSelector: { matchLabels: selectorLabels(ctx, 'api') },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [inNamespace(ctx.config.ingressNamespace)], ports: [tcp(APP_PORT)] },
        // Services whose briefs `use` this one label their pods so; they may be in any namespace.
        {
          from: [{ namespaceSelector: {}, podSelector: { matchLabels: { [callerLabel(ctx.ir.name)]: 'true' } } }],
          ports: [tcp(APP_PORT)],
        },
      ],
    }),
  ];
  if (ctx.database !== 'sqlite') {
    policies.push(
      policy(ctx, 'allow-database', {
        podSelector: components(ctx, ['api', 'migration']),
        policyTypes: ['Egress'],
        egress: [{ ...databaseDestination(ctx), ports: [tcp(databasePort(ctx))] }],
      }),
    );
  }
  if (ctx.ir.uses.length > 0) {
    policies.push(
      policy(ctx, 'allow-calls', {
        podSelector: { matchLabels: selectorLabels(ctx, 'api') },
        policyTypes: ['Egress'],
        egress: [...ctx.ir.uses].sort().map((callee) => ({
          to: [
            {
              ...inNamespace(ctx.config.namespace ?? callee),
              podSelector: { matchLabels: { [NAME_LABEL]: callee, [COMPONENT_LABEL]: 'api' } },
            },
          ],
          ports: [tcp(APP_PORT)],
        })),
      }),
    );
  }
  if (ctx.throwawayDatabase) {
    policies.push(
      policy(ctx, 'allow-postgres-clients', {
        podSelector: { matchLabels: selectorLabels(ctx, 'database') },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: components(ctx, ['api', 'migration']) }], ports: [tcp(5432)] }],
      }),
    );
  }
  return policies;
}
