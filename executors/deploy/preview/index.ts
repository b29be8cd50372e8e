// Public API of preview environments: one namespace per brief and branch, listed, deleted and expired by label.
export type { ClusterOptions, PreviewInfo } from './cluster.js';
export type { DeletePreviewOptions, DeletePreviewResult } from './down.js';
export { deletePreview } from './down.js';
export type { CollectPreviewsOptions, CollectPreviewsResult } from './gc.js';
export { collectExpiredPreviews } from './gc.js';
export { currentBranch, currentCommit, defaultOwner } from './git.js';
export { PREVIEW_ANNOTATIONS, PREVIEW_LABELS } from './labels.js';
export type { ListPreviewsOptions } from './list.js';
export { listPreviews } from './list.js';
export { labelValue, previewHost, previewNamespace } from './naming.js';
export { parseTtl } from './ttl.js';
export type { PreviewUpOptions, PreviewUpResult } from './up.js';
export { previewUp } from './up.js';
