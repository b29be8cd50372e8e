// The syft and trivy branches, driven through stand-in executables on PATH (the real tools are not installed here):
// this checks discovery, the arguments qlf passes, and how their output is normalised and recorded.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gunzip, readTar } from '../../../core/tar.js';
import { ordersIr } from '../../../testing/sample-irs.js';
import { makeServiceDir, sampleBrief } from '../fixtures/sample-service.js';
import { runPackage } from '../package.js';
import { findOnPath } from './external-tools.js';

const bin = mkdtempSync(join(tmpdir(), 'qlf-fake-bin-'));
const serviceDir = makeServiceDir();
afterAll(() => {
  rmSync(bin, { recursive: true, force: true });
  rmSync(serviceDir, { recursive: true, force: true });
});

function script(name: string, body: string) {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

// Writes a timestamp and a random serial number, as the real syft does, to prove qlf removes them.
script(
  'syft',
  `case "$*" in
  *cyclonedx-json*) echo '{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:'$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')'-0000-4000-8000-000000000000","metadata":{"timestamp":"'$(date -u +%FT%TZ)'"},"components":[{"type":"library","name":"fastapi"}]}' ;;
  *spdx-json*) echo '{"spdxVersion":"SPDX-2.3","creationInfo":{"created":"'$(date -u +%FT%TZ)'","creators":["Tool: syft"]},"documentNamespace":"https://anchore.com/x/'$$'"}' ;;
  *) exit 3 ;;
esac`,
);
script(
  'trivy',
  `[ "$1" = sbom ] && [ -f "$5" ] || exit 4\necho '{"Results":[{"Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001"}]}]}'`,
);

describe('external tools', () => {
  it('finds executables on PATH only', () => {
    expect(findOnPath('syft', { PATH: bin })).toBe(join(bin, 'syft'));
    expect(findOnPath('syft', { PATH: '/nonexistent' })).toBeUndefined();
  });

  it('uses syft and trivy when present, records them, and keeps the capsule reproducible', async () => {
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${saved}`;
    try {
      const input = { ir: ordersIr(), serviceDir, briefText: sampleBrief, overlayFiles: [] };
      const ctx = { qlfVersion: '0.1.0', strict: false, docs: ['sbom' as const], sourceDateEpoch: 0 };
      const one = await runPackage(input, ctx);
      const two = await runPackage(input, ctx);
      expect(one.manifest.sbom).toMatchObject({ generator: 'syft', components: 1 });
      expect(one.manifest.vulnScan).toEqual({ status: 'ran', tool: 'trivy', report: 'vuln/report.json', findings: 1 });
      const entries = readTar(gunzip(one.capsule));
      const cdx = JSON.parse(new TextDecoder().decode(entries.find((e) => e.path === 'sbom/cyclonedx.json')!.content));
      expect(cdx.metadata.timestamp).toBeUndefined();
      const spdx = JSON.parse(new TextDecoder().decode(entries.find((e) => e.path === 'sbom/spdx.json')!.content));
      expect(spdx.creationInfo.created).toBe('1970-01-01T00:00:00Z');
      expect(Buffer.from(one.capsule).equals(Buffer.from(two.capsule))).toBe(true);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('refuses generator syft when syft is missing', async () => {
    const input = { ir: ordersIr(), serviceDir, briefText: sampleBrief, overlayFiles: [] };
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(
        runPackage(input, { qlfVersion: '0.1.0', strict: false, docs: [], sbomGenerator: 'syft', vulnScan: 'off' }),
      ).rejects.toMatchObject({ code: 'E_SYFT_MISSING' });
    } finally {
      process.env.PATH = saved;
    }
  });
});
