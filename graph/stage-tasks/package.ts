// Stage task `package`: `ir.json` + `service/` + `verify/` + `build/` → `package/<name>.qlcapsule` and its manifest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { sha256 } from '../../core/hash.js';
import { qlfVersion } from '../../core/package-info.js';
import { sourceDateEpoch } from '../../core/tar.js';
import { defineStageTask } from '../stage-task.js';
import { STAGE_OUTPUTS } from '../stages.js';

export const packageTask = defineStageTask({
  stage: 'package',
  heavy: false,
  retryable: false,
  cacheable: true,
  reads: ['compile', 'generate', 'verify', 'build'],
  outputs: [...STAGE_OUTPUTS.package],
  async inputs({ config, brief, once }) {
    // The capsule pins the brief file's own digest (a comment edit changes the signed provenance), the key that signs
    // it (by its public fingerprint: no secret enters a hash), the archive time and which outside tools took part.
    // All but the brief are the same for every package task of a run: worked out once.
    const settings = await once('package:settings', async () => {
      // Imported here, not at the top: SBOM and signing libraries are heavy and a warm run never needs them.
      const { packageContextFromConfig } = await import('../../executors/package/lib/load-package-input.js');
      const { findOnPath } = await import('../../executors/package/lib/external-tools.js');
      const { loadSigner } = await import('../../executors/package/lib/signing-keys.js');
      const ctx = packageContextFromConfig(config, qlfVersion());
      const keyId = ctx.signingKey ? (await loadSigner(ctx.signingKey.path)).keyId : 'unsigned';
      const tools = ['syft', 'trivy', 'grype'].map((tool) => `${tool}:${findOnPath(tool) ? 'on PATH' : 'absent'}`);
      return canonicalJson({ docs: ctx.docs, keyId, sourceDateEpoch: sourceDateEpoch(), strict: ctx.strict, tools });
    });
    return [`brief ${sha256(await readFile(brief.file))}`, settings];
  },
  async run({ config, brief, inputDir, serviceDir, outDir, log, skip }) {
    const { loadPackageInput, packageContextFromConfig } = await import(
      '../../executors/package/lib/load-package-input.js'
    );
    const { runPackage } = await import('../../executors/package/package.js');
    const input = await loadPackageInput({ inputDir, serviceDir, briefFile: brief.file });
    const result = await runPackage(input, packageContextFromConfig(config, qlfVersion()));
    const dir = join(outDir, 'package');
    await writeFileAtomic(join(dir, result.fileName), result.capsule);
    await writeFileAtomic(join(dir, 'manifest.json'), canonicalJson(result.manifest));
    const { signature, sbom, vulnScan } = result.manifest;
    log(`${result.fileName} ${result.capsule.length} bytes, ${result.manifest.files.length} files`);
    log(signature.signed ? `signed ${signature.algorithm} key ${signature.keyId}` : 'unsigned (no signing key set)');
    log(`sbom: ${sbom.generator}, ${sbom.components} components`);
    // Which scanners are on PATH is part of the task hash, so this skip may be cached.
    if (vulnScan.status === 'ran') log(`vuln scan: ${vulnScan.tool}`);
    else skip('vuln-scan', vulnScan.reason ?? 'no scanner', { keyed: true });
  },
});
