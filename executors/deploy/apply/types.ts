// Types of the apply engine: the objects it sends, its options and what it reports back.
import type { KubeConfig } from '@kubernetes/client-node';

/** A Kubernetes object as rendered: any kind, with the metadata the engine relies on. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Which object: what prune compares and what the result lists. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

export interface AppliedObject extends ObjectRef {
  /** True when the server created the object (201), false when it updated it (200). */
  created: boolean;
}

export interface ApplyOptions {
  /** Cluster and credentials, usually from `loadKubeConfig()`. */
  kubeConfig: KubeConfig;
  /** Prune scope: objects labelled `qlf.dev/brief=<brief>` and `app.kubernetes.io/managed-by=qlf`. */
  brief: string;
  /** Namespace of every namespaced object; set on objects that have none. */
  namespace: string;
  /** Send `dryRun=All` on every write; wait for nothing and delete nothing (the result lists what would go). @default false */
  dryRunServer?: boolean;
  /** Server-side apply `force`: take over fields owned by other field managers. @default false */
  force?: boolean;
  /** Longest wait for the migration Job and for the rollout, each. @default 300000 */
  timeoutMs?: number;
  /** Pause between status polls. @default 1000 */
  pollMs?: number;
  /** Longest wait for one API request before the server counts as unreachable. @default 30000 */
  requestTimeoutMs?: number;
  /** Receives one line per step: applied objects, rollout progress, pruned objects. */
  onProgress?: (line: string) => void;
}

export interface ApplyResult {
  applied: AppliedObject[];
  /** Deleted objects; with `dryRun`, those that would be deleted. */
  pruned: ObjectRef[];
  dryRun: boolean;
  /** `https://<host>` of the first Ingress rule, when there is an Ingress. */
  url?: string;
}
