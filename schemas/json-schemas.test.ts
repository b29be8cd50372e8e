// The committed JSON Schemas match the zod schemas, and every example brief and built-in overlay passes them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagePath } from '../core/package-info.js';
import { testIR } from '../testing/ir.js';
import { jsonSchemaDir, renderJsonSchemas } from './emit-json-schemas.js';

// ajv ships CommonJS: under NodeNext the default import is `module.exports`, whose `default` is the class.
const Ajv2020 = ajv2020.default;
const addFormats = ajvFormats.default;

const rendered = renderJsonSchemas();

function validator(file: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(rendered[file]!));
}

async function yamlFiles(dir: string, pick: (name: string) => string | undefined): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .map((entry) => pick(entry.name) && join(dir, pick(entry.name)!))
    .filter((path): path is string => Boolean(path))
    .sort();
}

describe('committed JSON Schemas', () => {
  it.each(Object.keys(rendered))('%s is up to date (else run `npm run build && npm run schemas`)', async (file) => {
    const committed = await readFile(join(jsonSchemaDir(), file), 'utf8').catch(() => '');
    expect(committed, `schemas/json/${file} is stale: run \`npm run schemas\``).toBe(rendered[file]);
  });

  it('renders the same bytes every time', () => {
    expect(renderJsonSchemas()).toEqual(rendered);
  });

  it('leaves defaulted keys optional in input schemas and required in the IR', () => {
    const overlay = JSON.parse(rendered['overlay.schema.json']!);
    expect(overlay.required).toEqual(['apiVersion', 'kind', 'name', 'version', 'type', 'description']);
    const ir = JSON.parse(rendered['ir.schema.json']!);
    expect(ir.required).toContain('overlays');
    expect(ir.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});

describe('documents validate against the emitted schemas', () => {
  it('every built-in overlay', async () => {
    const validate = validator('overlay.schema.json');
    const files = await yamlFiles(packagePath('overlays', 'catalog'), (name) =>
      name.endsWith('.yaml') ? name : undefined,
    );
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const ok = validate(parse(await readFile(file, 'utf8')));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('every example brief', async (ctx) => {
    const examples = packagePath('examples');
    const dirs = await readdir(examples, { withFileTypes: true }).catch(() => []);
    const files = dirs.filter((d) => d.isDirectory()).map((d) => join(examples, d.name, 'brief.qlf.yaml'));
    const briefs = (await Promise.all(files.map(async (f) => [f, await readFile(f, 'utf8').catch(() => '')]))).filter(
      ([, text]) => text !== '',
    );
    if (briefs.length === 0) ctx.skip('skipped: no examples/*/brief.qlf.yaml yet');
    const validate = validator('brief.schema.json');
    for (const [file, text] of briefs) {
      expect(validate(parse(text!)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('a minimal brief, a default config and a test IR', () => {
    const brief = { apiVersion: 'qlf.dev/v1', kind: 'Brief', name: 'shop', description: 'An online shop.' };
    expect(validator('brief.schema.json')(brief)).toBe(true);
    expect(validator('brief.schema.json')({ ...brief, name: 'Shop' })).toBe(false);
    expect(validator('config.schema.json')({})).toBe(true);
    expect(validator('config.schema.json')({ outDir: 3 })).toBe(false);
    const validateIR = validator('ir.schema.json');
    expect(validateIR(testIR()), JSON.stringify(validateIR.errors)).toBe(true);
    expect(validateIR({ ...testIR(), irVersion: 'v0' })).toBe(false);
  });

  it('rejects what the zod schemas reject', () => {
    const validate = validator('overlay.schema.json');
    const base = {
      apiVersion: 'qlf.dev/v1',
      kind: 'Overlay',
      name: 'soc2',
      version: '1.0.0',
      type: 'compliance',
      description: 'SOC 2',
    };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, name: 'SOC2' })).toBe(false);
    expect(validate({ ...base, priority: 5000 })).toBe(false);
    expect(validate({ ...base, handling: { pan: { responses: 'sometimes' } } })).toBe(false);
    expect(validate({ ...base, extra: true })).toBe(false);
  });
});
