// Turns what client-node throws (ApiException with a Status body, node-fetch errors) into coded qlf errors.
import { ApiException } from '@kubernetes/client-node';
import { inputError, isQlfError, type QlfError, workError } from '../../../core/errors.js';

/** What a request was doing, so an error can say so. */
export interface RequestScope {
  verb: 'get' | 'list' | 'patch' | 'delete';
  kind: string;
  name?: string;
  namespace?: string;
  /** API server URL and kubeconfig context. */
  server: string;
  context: string;
}

interface Status {
  message?: string;
  reason?: string;
  details?: { kind?: string; causes?: { message?: string; field?: string }[] };
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

export function kubeError(error: unknown, scope: RequestScope): QlfError {
  if (isQlfError(error)) return error;
  const where = `context "${scope.context}", server ${scope.server}`;
  if (error instanceof ApiException) return apiError(error.code, parseStatus(error.body), scope, where);
  const message = error instanceof Error ? error.message : String(error);
  const code = networkCode(error);
  if (code) {
    return workError(
      'E_KUBE_UNREACHABLE',
      `cannot reach the Kubernetes API at ${scope.server} (context "${scope.context}"): ${code}`,
      {
        hint: `check that the cluster is running and that \`kubectl --context ${scope.context} cluster-info\` works; pick another cluster with KUBECONFIG or --context`,
        cause: error,
      },
    );
  }
  if (message.includes('HTTP protocol is not allowed')) {
    return inputError('E_KUBE_INSECURE_HTTP', `the kubeconfig cluster ${scope.server} is plain http:// (${where})`, {
      hint: 'use the https:// endpoint, or set `insecure-skip-tls-verify: true` on the cluster if http is intended',
    });
  }
  if (message.includes('Unrecognized API version and kind')) {
    return workError('E_KUBE_UNKNOWN_KIND', `the cluster (${where}) does not serve ${scope.kind}: ${message}`, {
      hint: 'check the apiVersion against `kubectl api-resources`; the cluster may be too old',
    });
  }
  return workError('E_KUBE_API', `${describe(scope)} failed (${where}): ${message}`, { cause: error });
}

function apiError(status: number, body: Status, scope: RequestScope, where: string): QlfError {
  const detail = body.message ?? body.reason ?? `HTTP ${status}`;
  switch (status) {
    case 401:
      return workError('E_KUBE_UNAUTHORIZED', `the Kubernetes API rejected the credentials (${where}): ${detail}`, {
        hint: `refresh the credentials of context "${scope.context}" (e.g. log in to the cloud CLI again), then retry`,
      });
    case 403: {
      const target = `${scope.kind}${scope.name ? ` "${scope.name}"` : ''}`;
      const place = scope.namespace ? ` in namespace "${scope.namespace}"` : '';
      return workError('E_KUBE_FORBIDDEN', `not allowed to ${scope.verb} ${target}${place} (${where}): ${detail}`, {
        hint: `grant the user of context "${scope.context}" get, list, patch and delete on ${scope.kind} (a Role or ClusterRole binding)`,
      });
    }
    case 409: {
      const manager = otherManager(body);
      const owner = manager ? ` with field manager "${manager}"` : '';
      return workError(
        'E_KUBE_CONFLICT',
        `server-side apply of ${describeObject(scope)} conflicts${owner}: ${detail}`,
        {
          hint: `another tool manages these fields; re-run with --force to take ownership${manager ? ` from "${manager}"` : ''}, or remove the fields from that tool`,
        },
      );
    }
    case 404:
      if (body.details?.kind === 'namespaces' && scope.kind !== 'Namespace') {
        return workError('E_KUBE_NAMESPACE_MISSING', `namespace "${scope.namespace}" does not exist (${where})`, {
          hint: `render a Namespace object, or create it first: kubectl create namespace ${scope.namespace}`,
        });
      }
      return workError('E_KUBE_NOT_FOUND', `${describe(scope)} failed (${where}): ${detail}`);
    default:
      return workError('E_KUBE_API', `${describe(scope)} failed with HTTP ${status} (${where}): ${detail}`);
  }
}

function otherManager(status: Status): string | undefined {
  const texts = [status.message, ...(status.details?.causes ?? []).map((cause) => cause.message)];
  for (const text of texts) {
    const match = /conflicts? with "([^"]+)"/.exec(text ?? '');
    if (match) return match[1];
  }
  return undefined;
}

/** ApiException carries the raw response text; a Status when the server sent one. */
function parseStatus(body: unknown): Status {
  if (typeof body !== 'string') return (body ?? {}) as Status;
  try {
    return JSON.parse(body) as Status;
  } catch {
    return { message: body.slice(0, 200) };
  }
}

/** node-fetch puts the socket error code on the error or its cause; an abort is our request timeout. */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const { code, name } = current as Error & { code?: string };
    if (code && unreachableCodes.has(code)) return code;
    if (name === 'AbortError') return 'no answer before the request timeout';
    current = current.cause;
  }
  return undefined;
}

function describeObject(scope: RequestScope): string {
  const place = scope.namespace ? ` in namespace "${scope.namespace}"` : '';
  return `${scope.kind}${scope.name ? ` "${scope.name}"` : ''}${place}`;
}

function describe(scope: RequestScope): string {
  return `${scope.verb} ${describeObject(scope)}`;
}
