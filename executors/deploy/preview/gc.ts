// `qlf preview gc`: deletes every qlf preview namespace whose expiry has passed, and nothing else.
import { isQlfError } from '../../../core/errors.js';
import type { PreviewInfo } from './cluster.js';
import {
  type ClusterOptions,
  clientFor,
  deletePreviewNamespace,
  describePreview,
  previewNamespaces,
} from './cluster.js';

export interface CollectPreviewsOptions extends ClusterOptions {
  /** What counts as past. @default new Date() */
  now?: Date;
  /** List what would go, with a server-side dry run of each delete. @default false */
  dryRun?: boolean;
  /** Receives one line per deleted (or, in a dry run, deletable) namespace. */
  onProgress?: (line: string) => void;
}

export interface CollectPreviewsResult {
  /** Expired previews deleted (or, in a dry run, that would be). */
  deleted: PreviewInfo[];
  /** Previews left alone: not expired, already terminating, or without an expiry label. */
  kept: PreviewInfo[];
  /** Deletes the API server refused; the others still went. */
  failed: { namespace: string; code: string; message: string }[];
  dryRun: boolean;
}

export async function collectExpiredPreviews(options: CollectPreviewsOptions): Promise<CollectPreviewsResult> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const onProgress = options.onProgress ?? (() => {});
  const client = clientFor(options);
  const result: CollectPreviewsResult = { deleted: [], kept: [], failed: [], dryRun };
  for (const namespace of await previewNamespaces(client)) {
    const info = describePreview(namespace, now);
    if (!info.expired || info.status === 'Terminating') {
      result.kept.push(info);
      continue;
    }
    try {
      await deletePreviewNamespace(client, namespace, dryRun);
      result.deleted.push(info);
      onProgress(`namespace/${info.namespace} ${dryRun ? 'would be deleted' : 'deleted'} (expired ${info.expiresAt})`);
    } catch (error) {
      if (!isQlfError(error)) throw error;
      // Deleted by someone else since the list: gone, as asked.
      if (error.code === 'E_KUBE_NOT_FOUND') continue;
      result.failed.push({ namespace: info.namespace, code: error.code, message: error.message });
    }
  }
  return result;
}
