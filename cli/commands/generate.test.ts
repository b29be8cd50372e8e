// `qlf generate` in-process through `main`: dry runs from sentences and files, real generation, and bad input.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-info.js';
import { runQlf } from '../testing/run-qlf-in-process.js';

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(join(tmpdir(), 'qlf-generate-'));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe('qlf generate', () => {
  it('shows what a sentence means with --dry-run --suggest-overlays, writing nothing', async () => {
    const result = await runQlf(ws, [
      'generate',
      'Create a PCI-compliant payment processing API with fraud detection',
      '--dry-run',
      '--suggest-overlays',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('payment-processing-api');
    expect(result.stdout).toMatch(/domain\s+fintech \(inferred \d+%\)/);
    expect(result.stdout).toMatch(/compliance\s+pci-dss \(inferred \d+%\)/);
    expect(result.stdout).toMatch(/suggested\s+pci \d+%, fintech \d+%/);
    expect(result.stdout).toContain('Payment (inferred');
    expect(result.stdout).toContain('fraud-detection');
    expect(result.stdout).not.toContain('\u001b[');
    expect(existsSync(join(ws, 'dist'))).toBe(false);
  });

  it('prints the JSON report with --json', async () => {
    const result = await runQlf(ws, ['generate', 'Build a HIPAA-compliant patient data API', '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.ir.name).toBe('patient-data-api');
    expect(report.ir.overlays.applied.map((o: { name: string }) => o.name).sort()).toEqual(['healthcare', 'hipaa']);
  });

  it('applies --overlay on top of what was inferred', async () => {
    const result = await runQlf(ws, ['generate', 'A simple notes API', '--dry-run', '--json', '--overlay', 'gdpr']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).ir.overlays.applied.map((o: { name: string }) => o.name)).toEqual(['gdpr']);
  });

  it('generates the service from a brief file into --output', async () => {
    await cp(packagePath('examples/shop'), join(ws, 'shop'), { recursive: true });
    const result = await runQlf(ws, ['generate', 'shop/brief.qlf.yaml', '--output', 'out/shop']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/generated shop → out\/shop: \d+ written/);
    expect(existsSync(join(ws, 'out/shop/openapi.json'))).toBe(true);
    expect(await readFile(join(ws, 'out/shop/openapi.json'), 'utf8')).toContain('/line-items');
  });

  it('merges into the working copy beside the brief; --dry-run shows a conflict to come without writing; a conflict exits 1', async () => {
    await cp(packagePath('examples/shop'), join(ws, 'shop'), { recursive: true });
    const first = await runQlf(ws, ['generate', 'shop/brief.qlf.yaml']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/generated shop → shop\/service: \d+ written/);
    const readme = join(ws, 'shop/service/README.md');
    const generated = await readFile(readme, 'utf8');
    const [heading] = generated.split('\n');
    // The user rewrites the first line; the brief's new name rewrites it too.
    await writeFile(readme, generated.replace(heading as string, '# Our shop'));
    const brief = await readFile(join(ws, 'shop/brief.qlf.yaml'), 'utf8');
    await writeFile(join(ws, 'shop/brief.qlf.yaml'), brief.replace(/^name: shop$/m, 'name: store'));

    const dry = await runQlf(ws, ['generate', 'shop/brief.qlf.yaml', '--dry-run', '--json']);
    expect(dry.code).toBe(1);
    const plan = JSON.parse(dry.stdout);
    expect(plan.merge.conflicts).toContain('README.md');
    expect(plan.merge.wrote).toBe(false);
    expect(plan.merge.unresolved).toContainEqual({ path: 'README.md', hunks: [{ start: 1, end: expect.any(Number) }] });
    expect(await readFile(readme, 'utf8')).toContain('# Our shop\n');

    const real = await runQlf(ws, ['generate', 'shop/brief.qlf.yaml']);
    expect(real.code).toBe(1);
    expect(real.stderr).toContain('E_MERGE_CONFLICT');
    expect(real.stderr).toContain('shop/service/README.md:1 (lines 1-');
    expect(await readFile(readme, 'utf8')).toMatch(/^<<<<<<< yours\n# Our shop\n/);
  });

  it('rejects an unknown --overlay and a bad brief file with exit 2 and a fix, writing nothing', async () => {
    const unknown = await runQlf(ws, ['generate', 'A simple notes API', '--overlay', 'hipa']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('E_OVERLAY_UNKNOWN');
    expect(unknown.stderr).toContain('fix:');
    await writeFile(join(ws, 'bad.yaml'), 'apiVersion: qlf.dev/v1\nkind: Brief\nname: Bad_Name\ndescription: x\n');
    const bad = await runQlf(ws, ['generate', 'bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:3:7');
    expect(bad.stderr).toContain('fix: Use a DNS-1123 label, e.g. `name: bad-name`.');
    expect(existsSync(join(ws, 'dist'))).toBe(false);
  });

  it('exits 2 without an argument', async () => {
    const result = await runQlf(ws, ['generate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('E_USAGE');
  });
});
