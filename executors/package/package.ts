// The package stage: turns the generated service and the upstream stages' results into one reproducible, optionally
// signed `.qlcapsule` (a sealed gzip'd tar) with SBOMs, docs, provenance and a manifest pinning every file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { inputError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { createTar, normalizeMode, sourceDateEpoch, type TarEntry } from '../../core/tar.js';
import {
  CAPSULE_MANIFEST_PATH,
  CAPSULE_PROVENANCE_PATH,
  CAPSULE_VERSION,
  type CapsuleManifest,
  capsuleManifestSchema,
  formatMode,
} from '../../schemas/capsule-manifest.js';
import type { IR } from '../../schemas/ir.js';
import type { VerifyReport } from '../../schemas/verify-report.js';
import { collectFiles } from './lib/collect-files.js';
import { type DocSection, docsModel, renderDocs } from './lib/docs.js';
import { createEnvelope, IN_TOTO_PAYLOAD_TYPE } from './lib/dsse.js';
import { scanSbom } from './lib/external-tools.js';
import { provenanceStatement } from './lib/provenance.js';
import { buildSboms, type SbomGeneratorChoice } from './lib/sboms.js';
import { sealedGzip } from './lib/sealed-gzip.js';
import { loadSigner } from './lib/signing-keys.js';

export type BuildImage = { id: string; digest?: string; tag: string } | { skipped: string };

export interface PackageInput {
  ir: IR;
  /** The service's files: a snapshot of its working copy. */
  serviceDir: string;
  verifyReport?: VerifyReport;
  build?: {
    /** Build stage folder; with `files`, only those (relative to it) are packaged, else all of it. */
    contextDir?: string;
    files?: string[];
    image?: BuildImage;
  };
  /** The brief file's text, as read (its sha256 is recorded and signed). */
  briefText: string;
  /** Overlays applied, with the sha256 of each overlay file. */
  overlayFiles: { name: string; digest: string }[];
}

export interface PackageContext {
  qlfVersion: string;
  /** Private key (PEM) that signs the provenance; never copied anywhere. */
  signingKey?: { path: string };
  /** Refuse to produce an unsigned capsule. */
  strict: boolean;
  /** Documentation sections, in order. */
  docs: readonly DocSection[];
  /** Archive timestamp; defaults to SOURCE_DATE_EPOCH, else 0. */
  sourceDateEpoch?: number;
  /** `auto` uses syft when on PATH. @default 'auto' */
  sbomGenerator?: SbomGeneratorChoice;
  /** `auto` scans with trivy/grype when on PATH. @default 'auto' */
  vulnScan?: 'auto' | 'off';
}

export interface PackageResult {
  capsule: Uint8Array;
  manifest: CapsuleManifest;
  /** `<name>.qlcapsule`; the caller writes it to `<outDir>/<name>/package/`. */
  fileName: string;
}

const encode = (text: string) => new TextEncoder().encode(text);
const bareDigest = (digest: string) => digest.replace(/^sha256:/, '');

async function buildEntries(build: PackageInput['build']): Promise<TarEntry[]> {
  if (!build?.contextDir) return [];
  const all = await collectFiles(build.contextDir);
  if (!build.files) return all;
  const wanted = new Set(build.files.map((f) => f.replace(/^\.\//, '')));
  const missing = [...wanted].filter((f) => !all.some((e) => e.path === f));
  if (missing.length > 0) {
    throw inputError('E_PACKAGE_INPUT', `build files not found in ${build.contextDir}: ${missing.join(', ')}`);
  }
  return all.filter((e) => wanted.has(e.path));
}

function verifyStage(report: VerifyReport | undefined): CapsuleManifest['stages']['verify'] {
  if (!report) return { status: 'absent', reason: 'no verify report was given' };
  const counts: Record<string, number> = {
    runnersPassed: 0,
    runnersFailed: 0,
    runnersSkipped: 0,
    errors: 0,
    warnings: 0,
  };
  for (const runner of report.runners) {
    const key = `runners${runner.status[0]!.toUpperCase()}${runner.status.slice(1)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  for (const finding of report.findings) {
    if (finding.severity === 'error') counts.errors! += 1;
    else if (finding.severity === 'warning') counts.warnings! += 1;
  }
  return { status: 'ran', passed: report.passed, strict: report.strict, counts };
}

function buildStage(build: PackageInput['build']): CapsuleManifest['stages']['build'] {
  const image = build?.image;
  if (!image) return { status: 'absent', reason: 'no build result was given' };
  if ('skipped' in image) return { status: 'skipped', reason: image.skipped };
  return { status: 'built', image: { id: image.id, digest: image.digest, tag: image.tag } };
}

async function vulnScan(cyclonedx: string, mode: 'auto' | 'off') {
  if (mode === 'off') return { scan: undefined, reason: 'vulnerability scan turned off' };
  const dir = await mkdtemp(join(tmpdir(), 'qlf-scan-'));
  try {
    const file = join(dir, 'cyclonedx.json');
    await writeFileAtomic(file, cyclonedx);
    return { scan: await scanSbom(file), reason: 'trivy/grype not installed' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runPackage(input: PackageInput, ctx: PackageContext): Promise<PackageResult> {
  const { ir } = input;
  const epoch = ctx.sourceDateEpoch ?? sourceDateEpoch();
  if (!ctx.signingKey && ctx.strict) {
    throw inputError('E_UNSIGNED', `refusing to write an unsigned capsule for ${ir.name} in strict mode`, {
      hint: 'Set `package.signingKey` in qlf.config.ts or QLF_SIGNING_KEY (create a key with `qlf keys generate`).',
    });
  }
  const signer = ctx.signingKey ? await loadSigner(ctx.signingKey.path) : undefined;

  const source = await collectFiles(input.serviceDir);
  const irText = canonicalJson(ir);
  const irSha256 = sha256(irText);
  const subject = { name: ir.name, irSha256, qlfVersion: ctx.qlfVersion };
  const sboms = await buildSboms(subject, source, epoch, ctx.sbomGenerator, input.verifyReport?.tested?.packages);
  const image = input.build?.image && !('skipped' in input.build.image) ? input.build.image.tag : undefined;
  const docs = renderDocs(
    docsModel({
      ir,
      files: source,
      dependencies: sboms.dependencies,
      sbomGenerator: sboms.generator,
      qlfVersion: ctx.qlfVersion,
      sections: ctx.docs,
      image,
    }),
  );
  const { scan, reason } = await vulnScan(sboms.cyclonedx, ctx.vulnScan ?? 'auto');

  const entries: TarEntry[] = [
    ...source.map((e) => ({ ...e, path: `source/${e.path}` })),
    ...(await buildEntries(input.build)).map((e) => ({ ...e, path: `build/${e.path}` })),
    { path: 'ir.json', content: encode(irText) },
    { path: 'sbom/cyclonedx.json', content: encode(sboms.cyclonedx) },
    { path: 'sbom/spdx.json', content: encode(sboms.spdx) },
    { path: 'docs/README.md', content: encode(docs.markdown) },
    { path: 'docs/index.html', content: encode(docs.html) },
  ];
  if (input.verifyReport)
    entries.push({ path: 'verify/report.json', content: encode(canonicalJson(input.verifyReport)) });
  if (scan) entries.push({ path: 'vuln/report.json', content: encode(canonicalJson(scan.report)) });

  const overlays = input.overlayFiles.map((o) => ({ name: o.name, digest: bareDigest(o.digest) }));
  const briefSha256 = sha256(input.briefText);
  const manifest = capsuleManifestSchema.parse({
    capsuleVersion: CAPSULE_VERSION,
    name: ir.name,
    brief: { name: ir.name, sha256: briefSha256 },
    ir: { sha256: irSha256 },
    qlfVersion: ctx.qlfVersion,
    sourceDateEpoch: epoch,
    overlays,
    stages: { verify: verifyStage(input.verifyReport), build: buildStage(input.build) },
    sbom: {
      generator: sboms.generator,
      cyclonedx: 'sbom/cyclonedx.json',
      spdx: 'sbom/spdx.json',
      components: sboms.components,
    },
    vulnScan: scan
      ? { status: 'ran', tool: scan.tool, report: 'vuln/report.json', findings: scan.findings }
      : { status: 'skipped', reason },
    files: entries
      .map((e) => ({
        path: e.path,
        sha256: sha256(e.content),
        size: e.content.length,
        mode: formatMode(normalizeMode(e.mode)),
      }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    signature: signer ? { signed: true, keyId: signer.keyId, algorithm: signer.algorithm } : { signed: false },
  });
  const manifestText = canonicalJson(manifest);
  const statement = provenanceStatement({
    manifestSha256: sha256(manifestText),
    briefName: ir.name,
    briefSha256,
    overlaysRequested: ir.overlays.applied.filter((o) => o.reason === 'explicit').map((o) => o.name),
    overlayFiles: overlays,
    qlfVersion: ctx.qlfVersion,
    sourceDateEpoch: epoch,
  });
  const envelope = createEnvelope(encode(canonicalJson(statement)), IN_TOTO_PAYLOAD_TYPE, signer);
  entries.push(
    { path: CAPSULE_MANIFEST_PATH, content: encode(manifestText) },
    { path: CAPSULE_PROVENANCE_PATH, content: encode(canonicalJson(envelope)) },
  );
  const capsule = sealedGzip(createTar(entries, { mtime: epoch }));
  return { capsule, manifest, fileName: `${ir.name}.qlcapsule` };
}
