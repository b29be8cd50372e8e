// `manifest.json` inside a `.qlcapsule`: what the capsule holds, pinned file by file, and how it was made.
// The provenance statement's subject is the sha256 of this file, so signing the provenance signs every file listed here.
import { z } from 'zod';

/** v2 pins each file's mode; a v1 manifest pinned contents only, so its signature left modes open to change. */
export const CAPSULE_VERSION = 'qlf.dev/capsule/v2';
/** Archive paths that the manifest cannot list: the manifest itself and the provenance that pins the manifest. */
export const CAPSULE_MANIFEST_PATH = 'manifest.json';
export const CAPSULE_PROVENANCE_PATH = 'provenance/provenance.intoto.json';

/** The manifest's spelling of a Unix mode: four octal digits, e.g. `0755`. */
export const formatMode = (mode: number): string => mode.toString(8).padStart(4, '0');

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a lowercase hex sha256' });

export const capsuleFileSchema = z
  .object({
    /** POSIX path inside the capsule. */
    path: z.string().min(1),
    sha256: sha256Hex,
    size: z.number().int().nonnegative(),
    /** Mode the archive stores and extraction writes: `0755` for executables, else `0644`. */
    mode: z.enum(['0644', '0755']),
  })
  .strict();
export type CapsuleFile = z.infer<typeof capsuleFileSchema>;

export const capsuleManifestSchema = z
  .object({
    capsuleVersion: z.literal(CAPSULE_VERSION),
    /** Service (brief) name. */
    name: z.string().min(1),
    brief: z.object({ name: z.string(), sha256: sha256Hex }).strict(),
    ir: z.object({ sha256: sha256Hex }).strict(),
    qlfVersion: z.string(),
    /**
     * Timestamp every archive entry carries (SOURCE_DATE_EPOCH, else 0); the only time in a capsule. Verification
     * checks every entry's tar header against it.
     */
    sourceDateEpoch: z.number().int().nonnegative(),
    /** Overlays applied, in the order the IR records them. */
    overlays: z.array(z.object({ name: z.string(), digest: sha256Hex }).strict()),
    stages: z
      .object({
        verify: z.discriminatedUnion('status', [
          z
            .object({
              status: z.literal('ran'),
              passed: z.boolean(),
              strict: z.boolean(),
              /** Runner outcomes and finding severities. */
              counts: z.record(z.string(), z.number().int().nonnegative()),
            })
            .strict(),
          z.object({ status: z.literal('absent'), reason: z.string() }).strict(),
        ]),
        build: z.discriminatedUnion('status', [
          z
            .object({
              status: z.literal('built'),
              image: z.object({ id: z.string(), digest: z.string().optional(), tag: z.string() }).strict(),
            })
            .strict(),
          z.object({ status: z.literal('skipped'), reason: z.string() }).strict(),
          z.object({ status: z.literal('absent'), reason: z.string() }).strict(),
        ]),
      })
      .strict(),
    sbom: z
      .object({
        /** Who produced the SBOMs: qlf's built-in reader, or syft when it is on PATH. */
        generator: z.enum(['qlf', 'syft']),
        cyclonedx: z.string(),
        spdx: z.string(),
        components: z.number().int().nonnegative(),
      })
      .strict(),
    vulnScan: z.discriminatedUnion('status', [
      z
        .object({
          status: z.literal('ran'),
          tool: z.enum(['trivy', 'grype']),
          report: z.string(),
          findings: z.number().int().nonnegative(),
        })
        .strict(),
      z.object({ status: z.literal('skipped'), reason: z.string() }).strict(),
    ]),
    /** Every file in the capsule except `manifest.json` and the provenance envelope, sorted by path. */
    files: z.array(capsuleFileSchema),
    signature: z
      .object({
        signed: z.boolean(),
        /** sha256 (hex) of the signer's SubjectPublicKeyInfo DER. */
        keyId: sha256Hex.optional(),
        algorithm: z.enum(['ecdsa-p256-sha256', 'ed25519']).optional(),
      })
      .strict(),
  })
  .strict();

export type CapsuleManifest = z.infer<typeof capsuleManifestSchema>;
