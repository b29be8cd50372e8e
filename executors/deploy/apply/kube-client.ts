// One facade over client-node's KubernetesObjectApi: server-side apply, read, list and delete, with coded errors.
import {
  type Configuration,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { inputError } from '../../../core/errors.js';
import { kubeError, type RequestScope } from './kube-errors.js';
import type { KubeObject, ObjectRef } from './types.js';

/** The field manager qlf owns its fields under. */
export const fieldManager = 'qlf';

const httpStatus = Symbol('httpStatus');

/**
 * client-node returns only the decoded body, but apply must tell 201 Created from 200 OK, and a dead server should fail
 * fast: this subclass tags each response with its status code and gives every request (discovery too) a deadline.
 */
class ObjectApi extends KubernetesObjectApi {
  requestTimeoutMs = 30_000;

  static forConfig(config: KubeConfig): ObjectApi {
    const api = config.makeApiClient(ObjectApi);
    api.setDefaultNamespace(config);
    return api;
  }

  protected override requestPromise<T extends KubernetesObject>(
    context: RequestContext,
    type?: string,
    options?: Configuration,
  ): Promise<T> {
    context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
    return super.requestPromise<T>(context, type, options);
  }

  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
    type?: string,
  ): Promise<T> {
    const result = await super.processResponse<T>(response, type);
    Object.defineProperty(result, httpStatus, { value: response.httpStatusCode });
    return result;
  }
}

export class KubeClient {
  private constructor(
    private readonly api: ObjectApi,
    /** API server URL and context name, for error messages. */
    readonly server: string,
    readonly context: string,
  ) {}

  static fromConfig(config: KubeConfig, requestTimeoutMs = 30_000): KubeClient {
    const cluster = config.getCurrentCluster();
    if (!cluster) {
      throw inputError(
        'E_KUBE_NO_CONFIG',
        `the kubeconfig has no cluster for context "${config.getCurrentContext()}"`,
        {
          hint: 'pick a context that names a cluster with --context, or fix current-context in the kubeconfig',
        },
      );
    }
    let api: ObjectApi;
    try {
      api = ObjectApi.forConfig(config);
    } catch (error) {
      throw kubeError(error, { verb: 'get', kind: 'API', server: cluster.server, context: config.getCurrentContext() });
    }
    api.requestTimeoutMs = requestTimeoutMs;
    return new KubeClient(api, cluster.server, config.getCurrentContext());
  }

  /** Server-side apply under field manager `qlf`. */
  async apply(object: KubeObject, options: { dryRun: boolean; force: boolean }): Promise<{ created: boolean }> {
    const result = await this.call('patch', object, () =>
      this.api.patch(
        object,
        undefined,
        options.dryRun ? 'All' : undefined,
        fieldManager,
        options.force ? true : undefined,
        PatchStrategy.ServerSideApply,
      ),
    );
    return { created: (result as { [httpStatus]?: number })[httpStatus] === 201 };
  }

  async read(object: KubeObject): Promise<KubeObject> {
    return (await this.call('get', object, () => this.api.read(object))) as unknown as KubeObject;
  }

  /** Objects of one kind matching a label selector; list items get their apiVersion and kind back. */
  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string) {
    const scope = { apiVersion, kind, metadata: { name: '', namespace } };
    const list = await this.call('list', scope, () =>
      this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector),
    );
    return list.items.map((item) => ({ ...item, apiVersion, kind }) as unknown as KubeObject);
  }

  async delete(ref: ObjectRef & { apiVersion: string }, dryRun: boolean): Promise<void> {
    const spec = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
    await this.call('delete', spec, () =>
      // Background: the Deployment goes now, its ReplicaSets and Pods are collected after.
      this.api.delete(spec, undefined, dryRun ? 'All' : undefined, undefined, undefined, 'Background'),
    );
  }

  private async call<T>(verb: RequestScope['verb'], object: KubeObject, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const { name, namespace } = object.metadata;
      throw kubeError(error, {
        verb,
        kind: object.kind,
        name: name || undefined,
        namespace,
        server: this.server,
        context: this.context,
      });
    }
  }
}
