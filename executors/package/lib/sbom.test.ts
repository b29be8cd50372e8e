// SBOMs validated against the official CycloneDX schemas shipped by @cyclonedx/cyclonedx-library, and against the
// official SPDX 2.3 JSON schema when one is available (see spdxSchemaPath).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../core/package-info.js';
import { parsePackageJson, parseRequirements, readDependencies, withTestedVersions } from './dependencies.js';
import { cyclonedxSbom } from './sbom-cyclonedx.js';
import { spdxSbom } from './sbom-spdx.js';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;
const require = createRequire(import.meta.url);
const schemaDir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const loadSchema = (file: string) => JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as Record<string, unknown>;

function cyclonedxValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // ajv-formats has no IRI formats; accept an IRI as a URI-like string without whitespace.
  ajv.addFormat('iri-reference', /^\S*$/);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/);
  // The bom schema refers to its sub-schemas by their SNAPSHOT file names, relative to its own $id.
  for (const name of ['spdx', 'jsf-0.82']) {
    ajv.addSchema({
      ...loadSchema(`${name}.SNAPSHOT.schema.json`),
      $id: `http://cyclonedx.org/schema/${name}.SNAPSHOT.schema.json`,
    });
  }
  return ajv.compile(loadSchema('bom-1.6.SNAPSHOT.schema.json'));
}

/** The official SPDX 2.3 schema (spdx-spec `schemas/spdx-schema.json`): QLF_SPDX_SCHEMA, else a vendored copy. */
const spdxSchemaPath = [
  process.env.QLF_SPDX_SCHEMA,
  packagePath('executors', 'package', 'schemas', 'spdx-schema.json'),
].find((p): p is string => typeof p === 'string' && existsSync(p));

const subject = { name: 'orders', irSha256: 'b'.repeat(64), qlfVersion: '0.1.0' };
const files = [
  {
    path: 'requirements.txt',
    content: new TextEncoder().encode('fastapi>=0.92,<1\nuvicorn[standard]==0.22.0\n-r other.txt\n# c\n'),
  },
  { path: 'requirements-dev.txt', content: new TextEncoder().encode('pytest==7.4.0 --hash=sha256:abc\n') },
  {
    path: 'web/package.json',
    content: new TextEncoder().encode('{"dependencies":{"@scope/ui":"1.2.3","react":"^18.2.0"}}'),
  },
];
const deps = readDependencies(files);

describe('dependency reading', () => {
  it.each([
    ['fastapi>=0.92,<1', 'pkg:pypi/fastapi', undefined, 'fastapi>=0.92,<1'],
    ['Flask_SQLAlchemy == 3.0.5', 'pkg:pypi/flask-sqlalchemy@3.0.5', '3.0.5', 'Flask_SQLAlchemy==3.0.5'],
    [
      'uvicorn[standard]==0.22.0 ; python_version>"3"',
      'pkg:pypi/uvicorn@0.22.0',
      '0.22.0',
      'uvicorn[standard]==0.22.0',
    ],
    ['httpx==0.24.*', 'pkg:pypi/httpx', undefined, 'httpx==0.24.*'],
  ])('reads %j honestly', (line, purl, version, requirement) => {
    const [dep] = parseRequirements(line, 'requirements.txt');
    expect(dep).toMatchObject({ purl, version, requirement });
  });

  it('reads npm dependencies with scoped purls and keeps ranges unpinned', () => {
    const found = parsePackageJson(
      '{"dependencies":{"@scope/ui":"1.2.3","react":"^18.2.0"},"devDependencies":{"vitest":"4.0.0"}}',
      'package.json',
    );
    expect(found.map((d) => [d.purl, d.scope])).toEqual([
      ['pkg:npm/%40scope/ui@1.2.3', 'required'],
      ['pkg:npm/react', 'required'],
      ['pkg:npm/vitest@4.0.0', 'optional'],
    ]);
  });
});

describe('CycloneDX SBOM', () => {
  const text = cyclonedxSbom(subject, deps);
  const bom = JSON.parse(text);

  it('validates against the official CycloneDX 1.6 JSON schema', () => {
    const validate = cyclonedxValidator();
    expect(validate(bom), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The validator is live: a malformed serial number is rejected.
    expect(validate({ ...bom, serialNumber: 'urn:uuid:not-a-uuid' })).toBe(false);
  });

  it('has no timestamp, a content-derived serial number, and the same bytes every time', () => {
    expect(bom.metadata.timestamp).toBeUndefined();
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(cyclonedxSbom(subject, deps)).toBe(text);
    expect(cyclonedxSbom({ ...subject, irSha256: 'c'.repeat(64) }, deps)).not.toContain(bom.serialNumber);
  });

  it('records the version verify tested as a property, and stays valid', () => {
    const tested = withTestedVersions(deps, { fastapi: '0.92.0', uvicorn: '0.22.0', react: '18.0.0' });
    const withTested = JSON.parse(cyclonedxSbom(subject, tested));
    expect(cyclonedxValidator()(withTested)).toBe(true);
    const property = (name: string) =>
      withTested.components
        .find((c: { name: string }) => c.name === name)
        .properties.find((p: { name: string }) => p.name === 'qlf:tested-version')?.value;
    expect(property('fastapi')).toBe('0.92.0');
    expect(property('uvicorn')).toBe('0.22.0');
    // Only PyPI components: the npm `react` is not what the Python tests imported.
    expect(property('react')).toBeUndefined();
    expect(withTested.serialNumber).not.toBe(bom.serialNumber);
    expect(withTestedVersions(deps, undefined)).toBe(deps);
  });

  it('records purls, pins and ranges', () => {
    const byName = Object.fromEntries(bom.components.map((c: { name: string }) => [c.name, c]));
    expect(byName.uvicorn).toMatchObject({ version: '0.22.0', purl: 'pkg:pypi/uvicorn@0.22.0', scope: 'required' });
    expect(byName.fastapi.version).toBeUndefined();
    expect(byName.fastapi.purl).toBe('pkg:pypi/fastapi');
    expect(byName.fastapi.properties).toContainEqual({ name: 'qlf:requirement', value: 'fastapi>=0.92,<1' });
    expect(byName.pytest.scope).toBe('optional');
    expect(bom.dependencies.find((d: { ref: string }) => d.ref === 'qlf-service:orders').dependsOn).toHaveLength(5);
  });
});

describe('SPDX SBOM', () => {
  const text = spdxSbom(subject, deps, 0);
  const doc = JSON.parse(text);

  it('has the SPDX 2.3 document fields, a fixed creation date and a content-derived namespace', () => {
    expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT' });
    expect(doc.creationInfo.created).toBe('1970-01-01T00:00:00Z');
    expect(spdxSbom(subject, deps, 1_700_000_000)).toContain('"2023-11-14T22:13:20Z"');
    expect(doc.documentNamespace).toMatch(/^https:\/\/qlf\.dev\/spdx\/orders-[0-9a-f-]{36}$/);
    const ids = doc.packages.map((p: { SPDXID: string }) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    expect(
      doc.relationships.filter((r: { relationshipType: string }) => r.relationshipType === 'DEPENDS_ON'),
    ).toHaveLength(5);
    expect(
      doc.packages
        .flatMap((p: { externalRefs?: { referenceLocator: string }[] }) => p.externalRefs ?? [])
        .map((r: { referenceLocator: string }) => r.referenceLocator),
    ).toContain('pkg:npm/%40scope/ui@1.2.3');
    expect(spdxSbom(subject, deps, 0)).toBe(text);
  });

  it.skipIf(!spdxSchemaPath)('validates against the official SPDX 2.3 JSON schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(spdxSchemaPath!, 'utf8'));
    delete schema.$schema;
    const validate = ajv.compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });
});
