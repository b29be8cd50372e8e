// The hardened pod every workload runs in: non-root, read-only root filesystem, no capabilities, RuntimeDefault
// seccomp, no service account token, writable space only on emptyDirs. Meets the `restricted` Pod Security Standard.
import type { RenderContext } from './context.js';

/** The image's `USER 10001:10001` (see the FastAPI Dockerfile template). */
export const APP_UID = 10001;

export interface Mount {
  /** Volume name. */
  name: string;
  mountPath: string;
  /** emptyDir size limit: a runaway writer gets the pod evicted instead of filling the node's disk. */
  sizeLimit: string;
}

/** Python's tempfile and Starlette's spooled uploads write to /tmp. */
export const TMP_MOUNT: Mount = { name: 'tmp', mountPath: '/tmp', sizeLimit: '128Mi' };

export function podSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
}

export function volumeMounts(mounts: Mount[]) {
  return mounts.map((mount) => ({ name: mount.name, mountPath: mount.mountPath }));
}

function volumes(mounts: Mount[]) {
  return mounts.map((mount) => ({ name: mount.name, emptyDir: { sizeLimit: mount.sizeLimit } }));
}

/** GDPR residency: only nodes labelled with the region. */
function affinity(ctx: RenderContext) {
  if (!ctx.residency) return undefined;
  const { nodeLabel, region } = ctx.residency;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: nodeLabel, operator: 'In', values: [region] }] }],
      },
    },
  };
}

export interface PodSpecOptions {
  containers: unknown[];
  initContainers?: unknown[];
  mounts: Mount[];
  uid?: number;
  restartPolicy?: 'Always' | 'Never';
  /** @default the service's ServiceAccount */
  serviceAccountName?: string;
}

export function hardenedPodSpec(ctx: RenderContext, options: PodSpecOptions) {
  const spec: Record<string, unknown> = {
    serviceAccountName: options.serviceAccountName ?? ctx.names.app,
    // The service never talks to the Kubernetes API: a mounted token would only help an attacker.
    automountServiceAccountToken: false,
    // Service links put every Service of the namespace into the environment, where they can shadow settings.
    enableServiceLinks: false,
    securityContext: podSecurityContext(options.uid ?? APP_UID),
  };
  const nodeAffinity = affinity(ctx);
  if (nodeAffinity) spec.affinity = nodeAffinity;
  if (options.restartPolicy) spec.restartPolicy = options.restartPolicy;
  if (options.initContainers?.length) spec.initContainers = options.initContainers;
  spec.containers = options.containers;
  spec.volumes = volumes(options.mounts);
  return spec;
}
