// The deploy stage's cached part: the Kubernetes objects of one service, as objects and as a kustomize folder.
// Pure: equal input gives byte-identical files; applying them is `deploy/apply`'s job.
import { type RenderContext, resolveContext } from './render/context.js';
import { ingress, service } from './render/exposure.js';
import { canonicalObject, kustomizeFiles } from './render/kustomize-files.js';
import { configMap, namespace, serviceAccount } from './render/namespace.js';
import { networkPolicies } from './render/network-policies.js';
import { previewDatabase } from './render/preview-database.js';
import { horizontalPodAutoscaler, podDisruptionBudget } from './render/scaling.js';
import { secretReferences, withSecretsAnnotation } from './render/secret-refs.js';
import type { RenderedObject, RenderInput, RenderResult } from './render/types.js';
import { deployment, migrationJob } from './render/workloads.js';

export type {
  PreviewOverrides,
  RenderedObject,
  RenderInput,
  RenderResult,
  SecretContract,
} from './render/types.js';

/** The objects in apply order; steps that do not apply to this service return nothing. */
function objectsInApplyOrder(ctx: RenderContext): RenderedObject[] {
  return [
    namespace(ctx),
    serviceAccount(ctx),
    configMap(ctx),
    ...networkPolicies(ctx),
    // Before the Job: migrations need the preview's database up.
    ...previewDatabase(ctx),
    migrationJob(ctx),
    deployment(ctx),
    service(ctx),
    ctx.scalable ? podDisruptionBudget(ctx) : undefined,
    ctx.scalable ? horizontalPodAutoscaler(ctx) : undefined,
    ingress(ctx),
  ].filter((object): object is RenderedObject => object !== undefined);
}

export function renderDeployment(input: RenderInput): RenderResult {
  const ctx = resolveContext(input);
  const objects = objectsInApplyOrder(ctx).map(withSecretsAnnotation).map(canonicalObject);
  return {
    objects,
    files: kustomizeFiles(objects, ctx.namespace),
    warnings: ctx.warnings,
    secrets: secretReferences(...objects),
  };
}
