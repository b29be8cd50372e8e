// The capsule's provenance: an in-toto Statement v1 with a SLSA Provenance v1 predicate. Its subject is manifest.json
// (a capsule cannot hold its own digest), and the manifest pins the sha256 of every other file, so the signature over
// this statement covers the whole capsule except this envelope.
import { CAPSULE_MANIFEST_PATH } from '../../../schemas/capsule-manifest.js';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const QLF_BUILD_TYPE = 'https://qlf.dev/build-types/capsule/v1';
export const QLF_BUILDER_ID = 'https://qlf.dev/builders/qlf-cli/v1';

export interface ProvenanceInput {
  manifestSha256: string;
  briefName: string;
  briefSha256: string;
  /** Overlays the brief asked for by name (the others were inferred or required by these). */
  overlaysRequested: string[];
  /** Every overlay applied, with the sha256 of its file. */
  overlayFiles: { name: string; digest: string }[];
  qlfVersion: string;
  sourceDateEpoch: number;
}

export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof SLSA_PROVENANCE_V1;
  predicate: Record<string, unknown>;
}

export function provenanceStatement(input: ProvenanceInput): InTotoStatement {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: CAPSULE_MANIFEST_PATH, digest: { sha256: input.manifestSha256 } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: QLF_BUILD_TYPE,
        externalParameters: { brief: input.briefName, overlays: input.overlaysRequested },
        internalParameters: { sourceDateEpoch: input.sourceDateEpoch },
        resolvedDependencies: [
          { name: 'brief.qlf.yaml', uri: `qlf:brief/${input.briefName}`, digest: { sha256: input.briefSha256 } },
          ...input.overlayFiles.map((overlay) => ({
            name: `overlay/${overlay.name}`,
            uri: `qlf:overlay/${overlay.name}`,
            digest: { sha256: overlay.digest },
          })),
          { name: 'qlf', uri: `pkg:npm/qlf@${input.qlfVersion}` },
        ],
      },
      runDetails: {
        builder: { id: QLF_BUILDER_ID, version: { qlf: input.qlfVersion } },
        metadata: {},
      },
    },
  };
}
