// `qlf preview down`: deletes one preview's namespace, and so everything in it, once its labels prove qlf made it.
import { workError } from '../../../core/errors.js';
import {
  assertPreviewNamespace,
  type ClusterOptions,
  clientFor,
  deletePreviewNamespace,
  readNamespace,
} from './cluster.js';

export interface DeletePreviewOptions extends ClusterOptions {
  namespace: string;
  /** Server-side dry run: the API server checks the delete, nothing goes. @default false */
  dryRun?: boolean;
  /** A namespace that does not exist is not an error (a preview already gone). @default false */
  ignoreNotFound?: boolean;
}

export interface DeletePreviewResult {
  namespace: string;
  /** `deleted`; `missing` with `ignoreNotFound`; `terminating` when it was already being deleted. */
  outcome: 'deleted' | 'missing' | 'terminating';
  dryRun: boolean;
}

export async function deletePreview(options: DeletePreviewOptions): Promise<DeletePreviewResult> {
  const client = clientFor(options);
  const dryRun = options.dryRun ?? false;
  const namespace = await readNamespace(client, options.namespace);
  const result = (outcome: DeletePreviewResult['outcome']) => ({ namespace: options.namespace, outcome, dryRun });
  if (!namespace) {
    if (options.ignoreNotFound) return result('missing');
    throw workError('E_PREVIEW_NOT_FOUND', `there is no preview namespace "${options.namespace}" on the cluster`, {
      hint: 'See the previews with `qlf preview list`; pass --ignore-not-found when a preview may already be gone.',
    });
  }
  // Checked even when it is going anyway: `down` never reports on a namespace that is not a preview.
  assertPreviewNamespace(namespace);
  if (namespace.metadata.deletionTimestamp) return result('terminating');
  await deletePreviewNamespace(client, namespace, dryRun);
  return result('deleted');
}
