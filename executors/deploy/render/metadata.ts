// Labels and annotations every object carries, and the selectors that tell the service's pods apart.
import type { RenderContext } from './context.js';
import { sortedRecord } from './settings.js';
import type { RenderedObject } from './types.js';

/** Which pods a label selector means: the API, the migration Job's pod, the preview's PostgreSQL. */
export type Component = 'api' | 'migration' | 'database';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** Labels on every object: no qlf version, so upgrading qlf does not rewrite every label (and roll every pod). */
export function commonLabels(ctx: RenderContext): Record<string, string> {
  const labels: Record<string, string> = {
    ...ctx.preview?.labels,
    [NAME_LABEL]: ctx.names.app,
    'app.kubernetes.io/managed-by': 'qlf',
    'qlf.dev/brief': ctx.ir.name,
  };
  if (ctx.residency) labels['qlf.dev/data-residency'] = ctx.residency.region;
  return sortedRecord(labels);
}

/** The labels a component's pods are selected by; kept this small so that they never change for a live object. */
export function selectorLabels(ctx: RenderContext, component: Component): Record<string, string> {
  return { [NAME_LABEL]: ctx.names.app, [COMPONENT_LABEL]: component };
}

/** Pod template labels: the common ones plus the selector's. */
export function podLabels(ctx: RenderContext, component: Component, extra: Record<string, string> = {}) {
  return sortedRecord({ ...commonLabels(ctx), ...selectorLabels(ctx, component), ...extra });
}

export interface MetaOptions {
  component?: Component;
  annotations?: Record<string, string>;
  /** False for the Namespace itself. @default true */
  namespaced?: boolean;
}

export function meta(ctx: RenderContext, name: string, options: MetaOptions = {}): RenderedObject['metadata'] {
  const labels = options.component
    ? sortedRecord({ ...commonLabels(ctx), [COMPONENT_LABEL]: options.component })
    : commonLabels(ctx);
  const annotations = sortedRecord({
    ...ctx.preview?.annotations,
    ...options.annotations,
    'qlf.dev/generator': `qlf ${ctx.qlfVersion}`,
  });
  return {
    name,
    ...(options.namespaced === false ? {} : { namespace: ctx.namespace }),
    labels,
    annotations,
  };
}
