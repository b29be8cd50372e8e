// Verifies a `.qlcapsule`: the seal, a canonical archive read with the safe reader, every file against the manifest
// (content, size, mode, and the mtime every entry must carry), the provenance subject against sha256(manifest.json),
// and, given a public key, the DSSE signature. Never throws on bad content: each check reports what it found, so the
// CLI can print them all.
import { canonicalJson } from '../../../core/canonical-json.js';
import { isQlfError } from '../../../core/errors.js';
import { sha256 } from '../../../core/hash.js';
import type { TarLimits } from '../../../core/tar.js';
import {
  CAPSULE_MANIFEST_PATH,
  CAPSULE_PROVENANCE_PATH,
  CAPSULE_VERSION,
  type CapsuleManifest,
  capsuleManifestSchema,
  formatMode,
} from '../../../schemas/capsule-manifest.js';
import { type ArchivedFile, type CapsuleArchive, readCapsuleArchive, scanCapsuleArchive } from './capsule-archive.js';
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

export interface VerifyOptions {
  /** Key the provenance must be signed with; without it the signature check is skipped. */
  publicKey?: PublicKeyInfo;
  /** @default CAPSULE_LIMITS */
  limits?: TarLimits;
}

/** The mode the packager gives the manifest and the provenance envelope (they are not listed in the manifest). */
const METADATA_MODE = '0644';

const decoder = new TextDecoder('utf-8', { fatal: true });
const message = (error: unknown) => (isQlfError(error) || error instanceof Error ? error.message : String(error));

/** Base64 that decodes and re-encodes to itself (rejects stray characters and non-zero padding bits). */
function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

function parseJson(content: Uint8Array | undefined, what: string): { value?: unknown; text?: string; error?: string } {
  if (!content) return { error: `${what} is missing` };
  try {
    const text = decoder.decode(content);
    const value = JSON.parse(text) as unknown;
    if (canonicalJson(value) !== text) return { error: `${what} is not in canonical JSON form` };
    return { value, text };
  } catch (error) {
    return { error: `${what} is not valid JSON: ${message(error)}` };
  }
}

/** What the archive's headers and contents say against what the (signed) manifest pins. */
function checkFiles(manifest: CapsuleManifest, files: readonly ArchivedFile[]): string[] {
  const problems: string[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const file of manifest.files) {
    const entry = byPath.get(file.path);
    if (!entry) problems.push(`${file.path}: listed in the manifest but missing`);
    else if (entry.size !== file.size) problems.push(`${file.path}: size ${entry.size}, manifest says ${file.size}`);
    else if (entry.sha256 !== file.sha256) problems.push(`${file.path}: sha256 differs from the manifest`);
    else if (formatMode(entry.mode) !== file.mode) {
      problems.push(`${file.path}: mode ${formatMode(entry.mode)}, manifest says ${file.mode}`);
    }
  }
  for (const path of [CAPSULE_MANIFEST_PATH, CAPSULE_PROVENANCE_PATH]) {
    const entry = byPath.get(path);
    if (entry && formatMode(entry.mode) !== METADATA_MODE) {
      problems.push(`${path}: mode ${formatMode(entry.mode)}, must be ${METADATA_MODE}`);
    }
  }
  const listed = new Set([...manifest.files.map((f) => f.path), CAPSULE_MANIFEST_PATH, CAPSULE_PROVENANCE_PATH]);
  for (const entry of files) if (!listed.has(entry.path)) problems.push(`${entry.path}: not listed in the manifest`);
  const stamped = files.filter((f) => f.mtime !== manifest.sourceDateEpoch);
  if (stamped.length > 0) {
    const which =
      stamped.length === files.length ? 'every entry' : `${stamped.length} entries (${stamped[0]!.path}, …)`;
    problems.push(
      `mtime ${stamped[0]!.mtime} on ${which}, but the manifest's sourceDateEpoch is ${manifest.sourceDateEpoch}`,
    );
  }
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

/** Checks the seal; false (with the failed check recorded) when it does not hold. */
function openCapsule(capsule: Uint8Array, checks: CapsuleCheck[]): boolean {
  try {
    checkSeal(capsule);
    checks.push({ name: 'seal', status: 'ok', detail: 'gzip header and seal match the compressed data' });
    return true;
  } catch (error) {
    checks.push({ name: 'seal', status: 'failed', detail: message(error) });
    return false;
  }
}

function outcome(checks: CapsuleCheck[], manifest?: CapsuleManifest, envelope?: DsseEnvelope): CapsuleVerification {
  return { ok: checks.every((c) => c.status !== 'failed'), checks, manifest, envelope };
}

/** Verifies a capsule, inflating its archive in memory ({@link verifyCapsuleStreaming} for large capsules). */
export function verifyCapsule(capsule: Uint8Array, options: VerifyOptions = {}): CapsuleVerification {
  const checks: CapsuleCheck[] = [];
  if (!openCapsule(capsule, checks)) return outcome(checks);
  let archive: CapsuleArchive;
  try {
    archive = readCapsuleArchive(capsule, options.limits);
  } catch (error) {
    checks.push({ name: 'archive', status: 'failed', detail: message(error) });
    return outcome(checks);
  }
  return checkArchive(archive, checks, options.publicKey);
}

/** {@link verifyCapsule} streaming the archive, so memory stays bounded however far it expands. */
export async function verifyCapsuleStreaming(
  capsule: Uint8Array,
  options: VerifyOptions = {},
): Promise<CapsuleVerification> {
  const checks: CapsuleCheck[] = [];
  if (!openCapsule(capsule, checks)) return outcome(checks);
  let archive: CapsuleArchive;
  try {
    archive = await scanCapsuleArchive(capsule, options.limits);
  } catch (error) {
    checks.push({ name: 'archive', status: 'failed', detail: message(error) });
    return outcome(checks);
  }
  return checkArchive(archive, checks, options.publicKey);
}

function checkArchive(
  archive: CapsuleArchive,
  checks: CapsuleCheck[],
  publicKey: PublicKeyInfo | undefined,
): CapsuleVerification {
  const done = (manifest?: CapsuleManifest, envelope?: DsseEnvelope) => outcome(checks, manifest, envelope);
  const fail = (name: CapsuleCheck['name'], detail: string) => {
    checks.push({ name, status: 'failed', detail });
    return done();
  };
  checks.push({ name: 'archive', status: 'ok', detail: `${archive.files.length} regular files, canonical tar` });
  const manifestJson = parseJson(archive.metadata.get(CAPSULE_MANIFEST_PATH), CAPSULE_MANIFEST_PATH);
  if (manifestJson.error) return fail('manifest', manifestJson.error);
  const version = (manifestJson.value as { capsuleVersion?: unknown } | null)?.capsuleVersion;
  if (typeof version === 'string' && version !== CAPSULE_VERSION) {
    return fail(
      'manifest',
      `capsule format ${version} is not ${CAPSULE_VERSION}, the one this qlf verifies (older formats do not pin file modes); package the service again`,
    );
  }
  const parsed = capsuleManifestSchema.safeParse(manifestJson.value);
  if (!parsed.success)
    return fail('manifest', `manifest.json does not match the schema: ${parsed.error.issues[0]?.message}`);
  const manifest = parsed.data;
  checks.push({ name: 'manifest', status: 'ok', detail: `${manifest.name}, ${manifest.files.length} files pinned` });

  const problems = checkFiles(manifest, archive.files);
  if (problems.length > 0) {
    checks.push({ name: 'files', status: 'failed', detail: problems.slice(0, 10).join('; ') });
    return done(manifest);
  }
  checks.push({
    name: 'files',
    status: 'ok',
    detail: `every file matches its sha256, size and mode; none missing or extra; every mtime is ${manifest.sourceDateEpoch}`,
  });

  const envelopeJson = parseJson(archive.metadata.get(CAPSULE_PROVENANCE_PATH), CAPSULE_PROVENANCE_PATH);
  const provenance = envelopeJson.error
    ? { error: envelopeJson.error }
    : checkProvenance(envelopeJson.value, manifestJson.text!);
  if (!provenance.envelope) {
    checks.push({ name: 'provenance', status: 'failed', detail: provenance.error ?? 'invalid' });
    return done(manifest);
  }
  const envelope = provenance.envelope;
  checks.push({ name: 'provenance', status: 'ok', detail: 'in-toto subject = sha256(manifest.json)' });
  checks.push(checkSignature(envelope, manifest, publicKey));
  return done(manifest, envelope);
}

function checkSignature(
  envelope: DsseEnvelope,
  manifest: CapsuleManifest,
  publicKey: PublicKeyInfo | undefined,
): CapsuleCheck {
  const signedIn = envelope.signatures.length > 0;
  if (
    signedIn !== manifest.signature.signed ||
    (signedIn && envelope.signatures[0]?.keyid !== manifest.signature.keyId)
  ) {
    return {
      name: 'signature',
      status: 'failed',
      detail: 'the manifest and the envelope disagree about the signature',
    };
  }
  if (!publicKey) {
    return {
      name: 'signature',
      status: 'skipped',
      detail: signedIn ? 'signed, but no public key given (--key) to check it' : 'the capsule is unsigned',
    };
  }
  const result = verifyEnvelope(envelope, publicKey);
  return result.ok
    ? {
        name: 'signature',
        status: 'ok',
        detail: `DSSE signature by key ${result.keyid.slice(0, 16)}… (${publicKey.algorithm})`,
      }
    : { name: 'signature', status: 'failed', detail: result.reason };
}
