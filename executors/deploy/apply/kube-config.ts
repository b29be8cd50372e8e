// Finds the kubeconfig the way kubectl does (path option, KUBECONFIG, ~/.kube/config, in-cluster) and picks a context.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { inputError } from '../../../core/errors.js';

export interface LoadKubeConfigOptions {
  /** Path of a kubeconfig file; otherwise KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
}

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const setupHint =
  'export KUBECONFIG=/path/to/kubeconfig (or pass --kubeconfig), or write ~/.kube/config, e.g. `kind get kubeconfig > ~/.kube/config`';

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const config = new KubeConfig();
  const files = options.kubeconfig
    ? [options.kubeconfig]
    : (process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length) {
    const from = options.kubeconfig ? 'the kubeconfig option' : 'KUBECONFIG';
    throw inputError('E_KUBE_NO_CONFIG', `kubeconfig ${missing.join(', ')} (from ${from}) does not exist`, {
      hint: setupHint,
    });
  }
  const home = join(process.env.HOME || homedir(), '.kube', 'config');
  if (!files.length && !existsSync(home) && !existsSync(serviceAccountToken)) {
    throw inputError(
      'E_KUBE_NO_CONFIG',
      `no kubeconfig found: KUBECONFIG is not set, ${home} does not exist and this is not running inside a cluster`,
      { hint: setupHint },
    );
  }
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    const file = files.join(delimiter) || home;
    throw inputError('E_KUBE_BAD_CONFIG', `cannot read kubeconfig ${file}: ${(error as Error).message}`, {
      hint: 'check the file with `kubectl config view`',
    });
  }
  if (options.context) useContext(config, options.context);
  return config;
}

function useContext(config: KubeConfig, context: string): void {
  const known = config.getContexts().map((entry) => entry.name);
  if (!known.includes(context)) {
    throw inputError(
      'E_KUBE_CONTEXT',
      `context "${context}" is not in the kubeconfig; known: ${known.join(', ') || 'none'}`,
      {
        hint: 'list contexts with `kubectl config get-contexts`',
      },
    );
  }
  config.setCurrentContext(context);
}
