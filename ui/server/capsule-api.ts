// A brief's capsule as the outputs view shows it, read in memory: `capsule verify` (with the workspace's signing key
// when one is configured, reduced to its public half), the manifest, the file list, the CycloneDX SBOM's components
// and the provenance statement inside its DSSE envelope.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { scanCapsuleArchive } from '../../executors/package/lib/capsule-archive.js';
import { checkSeal } from '../../executors/package/lib/sealed-gzip.js';
import { loadPublicKey } from '../../executors/package/lib/signing-keys.js';
import { verifyCapsuleStreaming } from '../../executors/package/lib/verify-capsule.js';
import { briefOutDir } from '../../graph/index.js';
import { CAPSULE_MANIFEST_PATH, CAPSULE_PROVENANCE_PATH, formatMode } from '../../schemas/capsule-manifest.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { CapsuleResponse } from '../shared/api.js';
import { readCapsuleEntry } from './capsule-entry.js';
import { briefByName } from './outputs-api.js';

const decoder = new TextDecoder();

function parseJson(bytes: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (!bytes) return undefined;
  try {
    const value = JSON.parse(decoder.decode(bytes)) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The public half of the workspace's signing key, when one is configured and readable. */
async function workspaceKey(config: ResolvedConfig) {
  const key = process.env.QLF_SIGNING_KEY || config.package.signingKey;
  if (!key) return undefined;
  return loadPublicKey(resolve(config.root, key)).catch(() => undefined);
}

type Component = NonNullable<CapsuleResponse['components']>[number];

function componentsOf(sbom: Record<string, unknown> | undefined): Component[] | undefined {
  const list = sbom?.components;
  if (!Array.isArray(list)) return undefined;
  return list.map((raw: Record<string, unknown>) => {
    const licenses = Array.isArray(raw.licenses)
      ? raw.licenses
          .map(
            (entry: { license?: { id?: string; name?: string }; expression?: string }) =>
              entry.license?.id ?? entry.license?.name ?? entry.expression,
          )
          .filter((value): value is string => typeof value === 'string')
      : [];
    return {
      name: String(raw.name ?? ''),
      ...(typeof raw.version === 'string' ? { version: raw.version } : {}),
      ...(typeof raw.purl === 'string' ? { purl: raw.purl } : {}),
      ...(typeof raw.type === 'string' ? { type: raw.type } : {}),
      ...(licenses.length ? { licenses } : {}),
    };
  });
}

function provenanceOf(envelope: Record<string, unknown> | undefined): CapsuleResponse['provenance'] {
  if (!envelope) return undefined;
  const signatures = Array.isArray(envelope.signatures)
    ? envelope.signatures.map((s: { keyid?: unknown }) => ({ keyid: String(s?.keyid ?? '') }))
    : [];
  const statement =
    typeof envelope.payload === 'string' ? parseJson(Buffer.from(envelope.payload, 'base64')) : undefined;
  return { payloadType: String(envelope.payloadType ?? ''), signatures, ...(statement ? { statement } : {}) };
}

export async function capsuleView(config: ResolvedConfig, name: string): Promise<CapsuleResponse> {
  await briefByName(config, name);
  const dir = join(briefOutDir(config, name), 'package');
  const archive = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.qlcapsule')).sort()[0];
  if (!archive) return { exists: false };
  const file = join(dir, archive);
  const capsule = new Uint8Array(await readFile(file));
  const publicKey = await workspaceKey(config);
  const verification = await verifyCapsuleStreaming(capsule, publicKey ? { publicKey } : {});
  const view: CapsuleResponse = {
    exists: true,
    file: relative(config.root, file).split(sep).join('/'),
    size: capsule.length,
    verification: {
      ok: verification.ok,
      checks: verification.checks,
      ...(publicKey ? { keyId: publicKey.keyId } : {}),
    },
  };
  try {
    // What is inside, even when verification failed: the reader still refuses an unsafe archive.
    checkSeal(capsule);
    const scanned = await scanCapsuleArchive(capsule);
    const manifest = parseJson(scanned.metadata.get(CAPSULE_MANIFEST_PATH));
    view.files = scanned.files.map((f) => ({ path: f.path, size: f.size, mode: formatMode(f.mode) }));
    if (manifest) view.manifest = manifest;
    const sbomPath = (manifest?.sbom as { cyclonedx?: unknown } | undefined)?.cyclonedx;
    if (typeof sbomPath === 'string') {
      const components = componentsOf(parseJson(await readCapsuleEntry(capsule, sbomPath)));
      if (components) view.components = components;
    }
    const provenance = provenanceOf(parseJson(scanned.metadata.get(CAPSULE_PROVENANCE_PATH)));
    if (provenance) view.provenance = provenance;
  } catch {
    // the failed checks above say what is wrong with it
  }
  return view;
}
