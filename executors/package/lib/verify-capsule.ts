// Verifies a `.qlcapsule`: the seal, a canonical archive read with the safe reader, every file against the manifest,
// the provenance subject against sha256(manifest.json), and, given a public key, the DSSE signature. Never throws on
// bad content: each check reports what it found, so the CLI can print them all.
import { canonicalJson } from '../../../core/canonical-json.js';
import { isQlfError } from '../../../core/errors.js';
import { sha256 } from '../../../core/hash.js';
import { createTar, gunzip, type ReadTarEntry, readTar, type TarLimits } from '../../../core/tar.js';
import {
  CAPSULE_MANIFEST_PATH,
  CAPSULE_PROVENANCE_PATH,
  type CapsuleManifest,
  capsuleManifestSchema,
} from '../../../schemas/capsule-manifest.js';
import { type DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, verifyEnvelope } from './dsse.js';
import { IN_TOTO_STATEMENT_V1, type InTotoStatement, SLSA_PROVENANCE_V1 } from './provenance.js';
import { checkSeal } from './sealed-gzip.js';
import type { loadPublicKey } from './signing-keys.js';

export type PublicKeyInfo = Awaited<ReturnType<typeof loadPublicKey>>;

export interface CapsuleCheck {
  name: 'seal' | 'archive' | 'manifest' | 'files' | 'provenance' | 'signature';
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
}

export interface CapsuleVerification {
  ok: boolean;
  checks: CapsuleCheck[];
  manifest?: CapsuleManifest;
  envelope?: DsseEnvelope;
}

/** Caps for reading capsules: generous for a service's sources, small enough to refuse a bomb quickly. */
export const CAPSULE_LIMITS: TarLimits = {
  maxEntries: 20_000,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntryBytes: 64 * 1024 * 1024,
};

const decoder = new TextDecoder('utf-8', { fatal: true });
const message = (error: unknown) => (isQlfError(error) || error instanceof Error ? error.message : String(error));

/** Base64 that decodes and re-encodes to itself (rejects stray characters and non-zero padding bits). */
function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

/** Reads the archive behind the seal; throws a QlfError naming the first problem. */
export function readCapsuleEntries(capsule: Uint8Array, limits: TarLimits = CAPSULE_LIMITS): ReadTarEntry[] {
  const tar = gunzip(capsule, limits.maxTotalBytes + (limits.maxEntries * 2 + 2) * 512);
  const entries = readTar(tar, limits);
  const mtime = entries[0]?.mtime ?? 0;
  const rebuilt = createTar(entries, { mtime });
  if (!Buffer.from(rebuilt).equals(Buffer.from(tar))) {
    throw new Error('the tar archive is not in canonical form (extra bytes, padding or header fields were changed)');
  }
  return entries;
}

function parseJson(entry: ReadTarEntry | undefined, what: string): { value?: unknown; text?: string; error?: string } {
  if (!entry) return { error: `${what} is missing` };
  try {
    const text = decoder.decode(entry.content);
    const value = JSON.parse(text) as unknown;
    if (canonicalJson(value) !== text) return { error: `${what} is not in canonical JSON form` };
    return { value, text };
  } catch (error) {
    return { error: `${what} is not valid JSON: ${message(error)}` };
  }
}

function checkFiles(manifest: CapsuleManifest, entries: readonly ReadTarEntry[]): string[] {
  const problems: string[] = [];
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const file of manifest.files) {
    const entry = byPath.get(file.path);
    if (!entry) problems.push(`${file.path}: listed in the manifest but missing`);
    else if (entry.content.length !== file.size)
      problems.push(`${file.path}: size ${entry.content.length}, manifest says ${file.size}`);
    else if (sha256(entry.content) !== file.sha256) problems.push(`${file.path}: sha256 differs from the manifest`);
  }
  const listed = new Set([...manifest.files.map((f) => f.path), CAPSULE_MANIFEST_PATH, CAPSULE_PROVENANCE_PATH]);
  for (const entry of entries) if (!listed.has(entry.path)) problems.push(`${entry.path}: not listed in the manifest`);
  return problems;
}

function checkProvenance(envelopeValue: unknown, manifestText: string): { envelope?: DsseEnvelope; error?: string } {
  const envelope = envelopeValue as DsseEnvelope;
  if (envelope?.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { error: `payloadType is not ${IN_TOTO_PAYLOAD_TYPE}` };
  if (
    !Array.isArray(envelope.signatures) ||
    envelope.signatures.some((s) => !strictBase64(s?.sig) || typeof s.keyid !== 'string')
  ) {
    return { error: 'the envelope signatures are malformed' };
  }
  const payload = strictBase64(envelope.payload);
  if (!payload) return { error: 'the envelope payload is not valid base64' };
  let statement: InTotoStatement;
  try {
    const text = decoder.decode(payload);
    statement = JSON.parse(text) as InTotoStatement;
    if (canonicalJson(statement) !== text) return { error: 'the provenance statement is not in canonical JSON form' };
  } catch (error) {
    return { error: `the provenance statement is not valid JSON: ${message(error)}` };
  }
  if (statement._type !== IN_TOTO_STATEMENT_V1 || statement.predicateType !== SLSA_PROVENANCE_V1) {
    return { error: 'the payload is not an in-toto v1 statement with a SLSA provenance v1 predicate' };
  }
  const subject = statement.subject?.[0];
  if (statement.subject?.length !== 1 || subject?.name !== CAPSULE_MANIFEST_PATH) {
    return { error: `the provenance subject must be exactly ${CAPSULE_MANIFEST_PATH}` };
  }
  const actual = sha256(manifestText);
  if (subject.digest?.sha256 !== actual) {
    return {
      error: `provenance subject digest ${String(subject.digest?.sha256).slice(0, 16)}… ≠ sha256(manifest.json) ${actual.slice(0, 16)}…`,
    };
  }
  return { envelope };
}

export function verifyCapsule(
  capsule: Uint8Array,
  options: { publicKey?: PublicKeyInfo; limits?: TarLimits } = {},
): CapsuleVerification {
  const checks: CapsuleCheck[] = [];
  const done = (manifest?: CapsuleManifest, envelope?: DsseEnvelope): CapsuleVerification => ({
    ok: checks.every((c) => c.status !== 'failed'),
    checks,
    manifest,
    envelope,
  });
  const fail = (name: CapsuleCheck['name'], detail: string) => {
    checks.push({ name, status: 'failed', detail });
    return done();
  };
  try {
    checkSeal(capsule);
    checks.push({ name: 'seal', status: 'ok', detail: 'gzip header and seal match the compressed data' });
  } catch (error) {
    return fail('seal', message(error));
  }
  let entries: ReadTarEntry[];
  try {
    entries = readCapsuleEntries(capsule, options.limits ?? CAPSULE_LIMITS);
    checks.push({ name: 'archive', status: 'ok', detail: `${entries.length} regular files, canonical tar` });
  } catch (error) {
    return fail('archive', message(error));
  }
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const manifestJson = parseJson(byPath.get(CAPSULE_MANIFEST_PATH), CAPSULE_MANIFEST_PATH);
  if (manifestJson.error) return fail('manifest', manifestJson.error);
  const parsed = capsuleManifestSchema.safeParse(manifestJson.value);
  if (!parsed.success)
    return fail('manifest', `manifest.json does not match the schema: ${parsed.error.issues[0]?.message}`);
  const manifest = parsed.data;
  checks.push({ name: 'manifest', status: 'ok', detail: `${manifest.name}, ${manifest.files.length} files pinned` });

  const problems = checkFiles(manifest, entries);
  if (problems.length > 0) {
    checks.push({ name: 'files', status: 'failed', detail: problems.slice(0, 10).join('; ') });
    return done(manifest);
  }
  checks.push({ name: 'files', status: 'ok', detail: 'every file matches its sha256 and size; none missing or extra' });

  const envelopeJson = parseJson(byPath.get(CAPSULE_PROVENANCE_PATH), CAPSULE_PROVENANCE_PATH);
  const provenance = envelopeJson.error
    ? { error: envelopeJson.error }
    : checkProvenance(envelopeJson.value, manifestJson.text!);
  if (!provenance.envelope) {
    checks.push({ name: 'provenance', status: 'failed', detail: provenance.error ?? 'invalid' });
    return done(manifest);
  }
  const envelope = provenance.envelope;
  checks.push({ name: 'provenance', status: 'ok', detail: 'in-toto subject = sha256(manifest.json)' });

  const signedIn = envelope.signatures.length > 0;
  if (
    signedIn !== manifest.signature.signed ||
    (signedIn && envelope.signatures[0]?.keyid !== manifest.signature.keyId)
  ) {
    checks.push({
      name: 'signature',
      status: 'failed',
      detail: 'the manifest and the envelope disagree about the signature',
    });
  } else if (!options.publicKey) {
    checks.push({
      name: 'signature',
      status: 'skipped',
      detail: signedIn ? 'signed, but no public key given (--key) to check it' : 'the capsule is unsigned',
    });
  } else {
    const result = verifyEnvelope(envelope, options.publicKey);
    checks.push(
      result.ok
        ? {
            name: 'signature',
            status: 'ok',
            detail: `DSSE signature by key ${result.keyid.slice(0, 16)}… (${options.publicKey.algorithm})`,
          }
        : { name: 'signature', status: 'failed', detail: result.reason },
    );
  }
  return done(manifest, envelope);
}
