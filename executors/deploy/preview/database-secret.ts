// The Secret a preview's throwaway PostgreSQL and its app read: credentials made here, stored only on the cluster.
// An existing Secret keeps its credentials, so running `up` again does not lock the app out of the running database.
import { randomBytes } from 'node:crypto';
import { isQlfError } from '../../../core/errors.js';
import type { KubeObject } from '../apply/index.js';
import type { KubeClient } from '../apply/kube-client.js';

const DEFAULT_USER = 'app';
const DEFAULT_DB = 'app';

export interface DatabaseSecretInput {
  client: KubeClient;
  /** `<name>-preview-db`. */
  name: string;
  namespace: string;
  /** The PostgreSQL Service the app connects to (`<name>-postgres`). */
  host: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The Secret to apply, and whether its credentials were kept from the cluster or made now. */
export interface DatabaseSecret {
  object: KubeObject;
  kept: boolean;
}

export async function previewDatabaseSecret(input: DatabaseSecretInput): Promise<DatabaseSecret> {
  const live = await readData(input);
  const user = live.POSTGRES_USER || DEFAULT_USER;
  const database = live.POSTGRES_DB || DEFAULT_DB;
  // base64url: 32 characters safe in a URL without escaping.
  const password = live.POSTGRES_PASSWORD || randomBytes(24).toString('base64url');
  const url = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${input.host}:5432/${encodeURIComponent(database)}`;
  const values = { DATABASE_URL: url, POSTGRES_DB: database, POSTGRES_PASSWORD: password, POSTGRES_USER: user };
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels, annotations: input.annotations },
    type: 'Opaque',
    // `data`, not `stringData`: what the server returns, so an apply of the same values changes nothing.
    data: Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
  };
  return { object, kept: Boolean(live.POSTGRES_PASSWORD) };
}

/** The live Secret's values, decoded; empty when it does not exist yet (nor its namespace). */
async function readData(input: DatabaseSecretInput): Promise<Record<string, string>> {
  const ref = { apiVersion: 'v1', kind: 'Secret', metadata: { name: input.name, namespace: input.namespace } };
  try {
    const live = (await input.client.read(ref)) as { data?: Record<string, string> };
    return Object.fromEntries(
      Object.entries(live.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
    );
  } catch (error) {
    if (isQlfError(error) && (error.code === 'E_KUBE_NOT_FOUND' || error.code === 'E_KUBE_NAMESPACE_MISSING')) {
      return {};
    }
    throw error;
  }
}
