// Loading: built-in and workspace overlay folders, overrides, and every malformed file reported with its place.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isQlfError, type QlfError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { builtinOverlayDir, loadOverlayRegistry } from './load-overlay-registry.js';
import { resolveOverlays } from './resolve-overlays.js';

const SOC2 = `# A workspace overlay.
apiVersion: qlf.dev/v1
kind: Overlay
name: soc2
version: 0.1.0
type: compliance
description: SOC 2 security criteria.
priority: 70
requires: [fintech]
controls:
  auditLog: true
  tls: true
rules:
  - id: soc2-audit-entity
    description: An audit trail exists.
    check: { kind: entity-present, entity: AuditEvent }
`;

const FINTECH_OVERRIDE = `apiVersion: qlf.dev/v1
kind: Overlay
name: fintech
version: 2.0.0
type: domain
description: The workspace's own fintech rules.
controls:
  rateLimitPerMinute: 60
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlf-overlays-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadFailure(dirs: string[]): Promise<QlfError> {
  try {
    await loadOverlayRegistry(dirs);
  } catch (error) {
    if (isQlfError(error)) return error;
    throw error;
  }
  throw new Error('expected loadOverlayRegistry to fail');
}

describe('loadOverlayRegistry', () => {
  it('loads the six built-in overlays, sorted by name, with file digests', async () => {
    const registry = await loadOverlayRegistry([]);
    const names = registry.list().map((loaded) => loaded.overlay.name);
    expect(names).toEqual(['ecommerce', 'fintech', 'gdpr', 'healthcare', 'hipaa', 'pci']);
    const pci = registry.get('pci')!;
    expect(pci.builtin).toBe(true);
    expect(pci.file).toBe(join(builtinOverlayDir(), 'pci.yaml'));
    expect(pci.digest).toBe(sha256(await readFile(pci.file)));
  });

  it('adds workspace overlays that resolve together with built-in ones', async () => {
    await writeFile(join(dir, 'soc2.yaml'), SOC2);
    const registry = await loadOverlayRegistry([dir]);
    expect(registry.get('soc2')).toMatchObject({ builtin: false, file: join(dir, 'soc2.yaml') });
    const resolved = resolveOverlays([{ name: 'soc2', reason: 'explicit', confidence: 1 }], registry);
    expect(resolved.overlays.map((entry) => entry.loaded.overlay.name)).toEqual(['fintech', 'soc2']);
  });

  it('lets a workspace overlay replace a built-in one of the same name, and records it', async () => {
    await writeFile(join(dir, 'fintech.yml'), FINTECH_OVERRIDE);
    const registry = await loadOverlayRegistry([dir]);
    const fintech = registry.get('fintech')!;
    expect(fintech.overlay.version).toBe('2.0.0');
    expect(fintech.builtin).toBe(false);
    expect(fintech.overrides).toBe(join(builtinOverlayDir(), 'fintech.yaml'));
    expect(registry.list()).toHaveLength(6);
  });

  it.each([
    {
      name: 'a schema error, located',
      text: SOC2.replace('type: compliance', 'type: regulation'),
      code: 'E_OVERLAY_SCHEMA',
      message: '`type` Invalid option',
      line: 6,
      column: 7,
    },
    {
      name: 'YAML syntax',
      text: SOC2.replace('controls:\n  auditLog: true', 'controls:\n  auditLog: true\n auditLog: [false'),
      code: 'E_OVERLAY_SCHEMA',
      message: 'YAML syntax',
      line: 12,
      column: 1,
    },
    {
      name: 'an invalid regular expression',
      text: `${SOC2}classify:\n  - { match: 'card_(number', classification: pan }\n`,
      code: 'E_OVERLAY_SCHEMA',
      message: '`classify[0].match` is not a valid regular expression',
      line: 18,
      column: 14,
    },
    {
      name: 'a name that does not match the file',
      text: SOC2.replace('name: soc2', 'name: soc3'),
      code: 'E_OVERLAY_SCHEMA',
      message: 'overlay `soc3` is in a file named soc2.yaml',
      line: 4,
      column: 7,
    },
  ])('reports $name with file, line, column and a fix', async ({ text, code, message, line, column }) => {
    await writeFile(join(dir, 'soc2.yaml'), text);
    const error = await loadFailure([dir]);
    expect(error.kind).toBe('input');
    const [issue] = error.issues;
    expect(issue).toMatchObject({ code, file: join(dir, 'soc2.yaml'), line, column });
    expect(issue?.message).toContain(message);
    expect(issue?.hint).toBeTruthy();
  });

  it('reports every broken file at once', async () => {
    await writeFile(join(dir, 'soc2.yaml'), SOC2.replace('version: 0.1.0', 'version: one'));
    await writeFile(
      join(dir, 'iso.yaml'),
      SOC2.replace('name: soc2', 'name: iso').replace('priority: 70', 'priority: -1'),
    );
    const error = await loadFailure([dir]);
    expect(error.message).toBe('2 problems in overlay files');
    expect(error.issues.map((issue) => [issue.file, issue.path])).toEqual([
      [join(dir, 'iso.yaml'), 'priority'],
      [join(dir, 'soc2.yaml'), 'version'],
    ]);
  });

  it('rejects two workspace files defining the same overlay', async () => {
    const other = await mkdtemp(join(tmpdir(), 'qlf-overlays-'));
    try {
      await writeFile(join(dir, 'soc2.yaml'), SOC2);
      await writeFile(join(other, 'soc2.yaml'), SOC2);
      const error = await loadFailure([dir, other]);
      expect(error.code).toBe('E_OVERLAY_DUPLICATE');
      expect(error.issues[0]?.message).toContain('defined twice');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('names a missing workspace folder', async () => {
    const error = await loadFailure([join(dir, 'nope')]);
    expect(error.code).toBe('E_OVERLAY_DIR');
    expect(error.issues[0]?.hint).toContain('overlays.dirs');
  });
});
