// Delivers a capsule to an OCI registry as an OCI artifact (image manifest with `artifactType`, an empty config and
// the capsule as its one layer), through the OCI distribution API. Basic or bearer auth from the environment.
import { createHash } from 'node:crypto';
import { inputError } from '../../../core/errors.js';
import { type Channel, RetryableError } from './channel.js';

export const CAPSULE_ARTIFACT_TYPE = 'application/vnd.qlf.capsule.v1';
export const CAPSULE_LAYER_TYPE = 'application/vnd.qlf.capsule.v1.tar+gzip';
const EMPTY_CONFIG = new TextEncoder().encode('{}');
const EMPTY_CONFIG_TYPE = 'application/vnd.oci.empty.v1+json';

function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface OciReference {
  registry: string;
  repository: string;
  tag: string;
  /** `http` for loopback registries, else `https`. */
  scheme: 'http' | 'https';
}

export function parseOciReference(target: string): OciReference {
  const match = /^oci:\/\/([^/]+)\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?$/.exec(
    target,
  );
  if (!match) {
    throw inputError('E_DELIVERY_CHANNEL', `not an OCI reference: ${JSON.stringify(target)}`, {
      hint: 'Write oci://host[:port]/repository[:tag], e.g. oci://127.0.0.1:5000/capsules/payments:1.0.0.',
    });
  }
  const registry = match[1]!;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
  return { registry, repository: match[2]!, tag: match[3] ?? 'latest', scheme: loopback ? 'http' : 'https' };
}

export function ociChannel(target: string, env: NodeJS.ProcessEnv): Channel {
  const ref = parseOciReference(target);
  const base = `${ref.scheme}://${ref.registry}/v2/${ref.repository}`;
  const auth = env.QLF_OCI_TOKEN
    ? `Bearer ${env.QLF_OCI_TOKEN}`
    : env.QLF_OCI_USERNAME
      ? `Basic ${Buffer.from(`${env.QLF_OCI_USERNAME}:${env.QLF_OCI_PASSWORD ?? ''}`).toString('base64')}`
      : undefined;

  async function call(
    method: string,
    url: string,
    body?: Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        body,
        headers: { ...headers, ...(auth ? { authorization: auth } : {}) },
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new RetryableError(`${method} ${url} failed: ${(error as Error).message}`);
    }
    if (response.status >= 500 || response.status === 429) {
      throw new RetryableError(`${method} ${url} answered ${response.status}`);
    }
    return response;
  }

  async function pushBlob(bytes: Uint8Array): Promise<string> {
    const digest = digestOf(bytes);
    const head = await call('HEAD', `${base}/blobs/${digest}`);
    if (head.ok) return digest;
    const start = await call('POST', `${base}/blobs/uploads/`);
    await start.body?.cancel();
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw new Error(`registry refused the upload: ${start.status}`);
    const upload = new URL(location, `${ref.scheme}://${ref.registry}`);
    upload.searchParams.set('digest', digest);
    const put = await call('PUT', upload.href, bytes, { 'content-type': 'application/octet-stream' });
    await put.body?.cancel();
    if (put.status !== 201) throw new Error(`registry refused blob ${digest}: ${put.status}`);
    return digest;
  }

  return {
    describe: () => `oci://${ref.registry}/${ref.repository}:${ref.tag}`,
    async deliver(capsule) {
      const configDigest = await pushBlob(EMPTY_CONFIG);
      const layerDigest = await pushBlob(capsule.bytes);
      const manifest = new TextEncoder().encode(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: CAPSULE_ARTIFACT_TYPE,
          config: { mediaType: EMPTY_CONFIG_TYPE, digest: configDigest, size: EMPTY_CONFIG.length },
          layers: [
            {
              mediaType: CAPSULE_LAYER_TYPE,
              digest: layerDigest,
              size: capsule.bytes.length,
              annotations: { 'org.opencontainers.image.title': capsule.fileName },
            },
          ],
        }),
      );
      const put = await call('PUT', `${base}/manifests/${ref.tag}`, manifest, {
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
      });
      const text = await put.text();
      if (put.status !== 201) throw new Error(`registry refused the manifest: ${put.status} ${text.slice(0, 300)}`);
      return { channel: 'oci', location: `${ref.registry}/${ref.repository}:${ref.tag}@${digestOf(manifest)}` };
    },
  };
}
