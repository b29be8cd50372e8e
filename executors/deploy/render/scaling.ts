// Scaling and disruption: an autoscaler sized from the brief's expected load, and a disruption budget that keeps
// the service up during node drains without ever blocking one.
import type { IR } from '../../../schemas/ir.js';
import type { RenderContext } from './context.js';
import { meta, selectorLabels } from './metadata.js';
import type { RenderedObject } from './types.js';

/** Requests per second one core of uvicorn workers serves for CRUD over a database: a deliberately modest guess. */
export const RPS_PER_CORE = 100;
/** The HPA's CPU target: scaling starts before pods saturate. */
export const CPU_TARGET = 70;
/** Peak requests per second per active user (one request every 10 s), to read `scale.users` as load. */
const RPS_PER_USER = 0.1;
export const MAX_REPLICAS_CAP = 20;

function cores(cpu: string): number {
  const value = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
  return Number.isFinite(value) && value > 0 ? value : 0.25;
}

/**
 * The HPA's ceiling: the replicas that carry the brief's expected load (`scale.requestsPerSecond`, else
 * `scale.users` × 0.1) at the 70 % CPU target, with each replica serving 100 req/s per requested core; without a
 * load figure, twice the replicas. Always at least replicas + 1 (room to scale) and at most 20, unless the brief
 * already asks for more replicas than that.
 */
export function maxReplicas(ir: IR): number {
  const min = ir.ops.replicas.value;
  const load =
    ir.ops.scale.requestsPerSecond?.value ?? (ir.ops.scale.users ? ir.ops.scale.users.value * RPS_PER_USER : 0);
  const perReplica = RPS_PER_CORE * cores(ir.ops.resources.cpu) * (CPU_TARGET / 100);
  const wanted = load > 0 ? Math.ceil(load / perReplica) : min * 2;
  return Math.max(min + 1, Math.min(MAX_REPLICAS_CAP, wanted));
}

export function horizontalPodAutoscaler(ctx: RenderContext): RenderedObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(ctx, ctx.names.app),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: ctx.names.app },
      minReplicas: ctx.replicas,
      maxReplicas: maxReplicas(ctx.ir),
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: CPU_TARGET } },
        },
      ],
    },
  };
}

/**
 * At most one pod down by eviction at a time. `maxUnavailable: 1` rather than `minAvailable: 1`: with one replica
 * the latter allows no eviction at all and a node drain waits forever; this lets the drain take the pod (a short
 * outage the brief accepted by asking for one replica) while several replicas go one by one. Unhealthy pods may
 * always be evicted, so a crash-looping pod cannot hold a drain either.
 */
export function podDisruptionBudget(ctx: RenderContext): RenderedObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(ctx, ctx.names.app),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(ctx, 'api') },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
