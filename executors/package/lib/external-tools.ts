// Optional outside tools: syft (SBOMs) and trivy/grype (vulnerability scans). Each is used only when it is on PATH;
// when none is, the caller records the step as skipped with the reason instead of pretending it ran.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** execa (about a hundred modules) is loaded only to run a tool: a warm run asks `findOnPath` alone. */
const loadExeca = async () => (await import('execa')).execa;

/** Absolute path of an executable named `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const TOOL_TIMEOUT_MS = 300_000;

/** Runs syft over a folder and returns its CycloneDX and SPDX JSON documents, unnormalised. */
export async function runSyft(syft: string, dir: string): Promise<{ cyclonedx: unknown; spdx: unknown }> {
  const run = async (format: string) => {
    const execa = await loadExeca();
    const result = await execa(syft, ['scan', `dir:${dir}`, '-o', format, '-q'], {
      timeout: TOOL_TIMEOUT_MS,
      env: { SYFT_CHECK_FOR_APP_UPDATE: 'false' },
    });
    return JSON.parse(result.stdout) as unknown;
  };
  return { cyclonedx: await run('cyclonedx-json@1.6'), spdx: await run('spdx-json@2.3') };
}

export interface VulnScan {
  tool: 'trivy' | 'grype';
  report: unknown;
  findings: number;
}

/** Scans a CycloneDX SBOM file with trivy, else grype. Undefined when neither is installed. */
export async function scanSbom(sbomFile: string, env: NodeJS.ProcessEnv = process.env): Promise<VulnScan | undefined> {
  const trivy = findOnPath('trivy', env);
  if (trivy) {
    const execa = await loadExeca();
    const result = await execa(trivy, ['sbom', '--format', 'json', '--quiet', sbomFile], { timeout: TOOL_TIMEOUT_MS });
    const report = JSON.parse(result.stdout) as { CreatedAt?: string; Results?: { Vulnerabilities?: unknown[] }[] };
    // The scan time would make every capsule differ; the findings still depend on the vulnerability database.
    delete report.CreatedAt;
    const findings = (report.Results ?? []).reduce((n, r) => n + (r.Vulnerabilities?.length ?? 0), 0);
    return { tool: 'trivy', report, findings };
  }
  const grype = findOnPath('grype', env);
  if (grype) {
    const execa = await loadExeca();
    const result = await execa(grype, [`sbom:${sbomFile}`, '-o', 'json', '-q'], { timeout: TOOL_TIMEOUT_MS });
    const report = JSON.parse(result.stdout) as { matches?: unknown[]; descriptor?: { timestamp?: string } };
    if (report.descriptor) delete report.descriptor.timestamp;
    return { tool: 'grype', report, findings: report.matches?.length ?? 0 };
  }
  return undefined;
}
