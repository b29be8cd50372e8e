// `qlf preview list`: the preview namespaces on the cluster, with who made them, for which branch, and until when.
import { type ClusterOptions, clientFor, describePreview, type PreviewInfo, previewNamespaces } from './cluster.js';
import { labelValue } from './naming.js';

export interface ListPreviewsOptions extends ClusterOptions {
  /** Only previews of this brief. */
  brief?: string;
  /** Builds the URL of a preview whose namespace has no `qlf.dev/url` annotation: `https://<namespace>.<baseDomain>`. */
  baseDomain?: string;
  /** Ages and expiries are relative to it. @default new Date() */
  now?: Date;
}

export async function listPreviews(options: ListPreviewsOptions): Promise<PreviewInfo[]> {
  const now = options.now ?? new Date();
  const namespaces = await previewNamespaces(
    clientFor(options),
    options.brief === undefined ? undefined : labelValue(options.brief),
  );
  return namespaces.map((namespace) => describePreview(namespace, now, options.baseDomain));
}
