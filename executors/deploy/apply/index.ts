// Public API of the deploy stage's apply engine.
export { applyObjects } from './apply.js';
export type { LoadKubeConfigOptions } from './kube-config.js';
export { loadKubeConfig } from './kube-config.js';
export type { AppliedObject, ApplyOptions, ApplyResult, KubeObject, ObjectRef } from './types.js';
