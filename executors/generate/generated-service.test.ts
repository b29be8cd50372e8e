// End to end for the FastAPI agents: generate each fixture service (in each pagination mode), then run its own pytest
// suite in real Python and compare the app's served OpenAPI operations and list schemas with `openapi.json` and the
// route table.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-info.js';
import { findPython } from '../../core/python.js';
import type { IR } from '../../schemas/ir.js';
import { clinicIr, notesIr, paymentsIr, withPagination } from '../../testing/sample-irs.js';
import alembic from './agents/alembic.js';
import fastapiBackend from './agents/fastapi-backend.js';
import openapi from './agents/openapi.js';
import pytestTests from './agents/pytest-tests.js';
import { renderRevision } from './lib/migrations/revision-file.js';
import { migrationSchema } from './lib/migrations/schema-model.js';
import { routeTable } from './lib/routes.js';

const ctx = { qlfVersion: '0.0.0-test' };

/** A real example brief compiled with the built-in overlays; undefined (test skipped) when the compiler cannot run. */
const compileFailures = new Map<string, string>();
async function compiledExample(name: string): Promise<IR | undefined> {
  try {
    const { runCompile } = await import('../compile/compile.js');
    const { builtinOverlayDir, loadOverlayRegistry } = await import('../../overlays/lib/load-overlay-registry.js');
    const overlays = await loadOverlayRegistry([builtinOverlayDir()]);
    const text = readFileSync(packagePath('examples', name, 'brief.qlf.yaml'), 'utf8');
    return (await runCompile({ source: { text, file: 'brief.qlf.yaml' }, overlays, autoApplyThreshold: 0.7 })).ir;
  } catch (error) {
    compileFailures.set(name, (error as Error).message.split('\n')[0] ?? 'unknown error');
    return undefined;
  }
}
const fixtures: [string, () => IR][] = [
  ['payments', paymentsIr],
  ['clinic', clinicIr],
  ['notes', notesIr],
  ['payments (cursor pagination)', () => withPagination(paymentsIr(), 'cursor')],
  ['clinic (no pagination)', () => withPagination(clinicIr(), 'none')],
  ['notes (no pagination)', () => withPagination(notesIr(), 'none')],
];
// examples/shop asks for `pagination: cursor`; examples/clinic takes the default (offset).
const compiled: [string, () => IR][] = [];
for (const example of ['clinic', 'shop']) {
  const ir = await compiledExample(example);
  if (ir) compiled.push([`examples/${example} (compiled)`, () => ir]);
}
const services: [string, () => IR][] = [...fixtures, ...compiled];
const python = await findPython({
  require: [
    'fastapi',
    'sqlalchemy',
    'pydantic',
    'httpx',
    'pytest',
    'cryptography',
    'multipart',
    'alembic',
    'prometheus_client',
  ],
});
const root = mkdtempSync(join(tmpdir(), 'qlf-generated-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function generateAll(ir: IR) {
  const files = [fastapiBackend, alembic, pytestTests, openapi].flatMap((agent) => agent.generate(ir, ctx));
  // The first revision, as the merge into a working copy writes it: the suite migrates its database to head.
  const initial = renderRevision({ brief: ir.name, id: '0001', from: { tables: [] }, to: migrationSchema(ir) });
  return initial ? [...files, { path: initial.path, content: initial.content }] : files;
}

function writeService(name: string, ir: IR): string {
  const dir = join(root, name);
  for (const file of generateAll(ir)) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  return dir;
}

const pythonEnv = { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: '' };

// Prints the app's operations (`METHOD path in:param…`) and list schemas (`NameList property… required: name…`) with
// throw-away secrets, as the verify stage's uvicorn would serve them.
const DUMP_OPERATIONS = `
import os, secrets
from cryptography.fernet import Fernet
os.environ.update(DATABASE_URL="sqlite://", JWT_SECRET=secrets.token_urlsafe(48), AUTH_USERNAME="u",
    AUTH_PASSWORD_HASH="pbkdf2_sha256$1$AA$AA", API_KEYS=secrets.token_urlsafe(16),
    DATA_ENCRYPTION_KEY=Fernet.generate_key().decode(), LOG_LEVEL="WARNING")
from app.main import app
document = app.openapi()
for path, item in sorted(document["paths"].items()):
    for method in sorted(item):
        params = sorted(p["in"] + ":" + p["name"] for p in item[method].get("parameters", []))
        print(" ".join([method.upper(), path, *params]))
for name, schema in sorted(document["components"]["schemas"].items()):
    if name.endswith("List"):
        print(" ".join([name, *sorted(schema["properties"]), "required:", *sorted(schema.get("required", []))]))
`;

interface Operation {
  parameters?: { in: string; name: string }[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties: object; required?: string[] }> };
}

/** The same lines as DUMP_OPERATIONS prints, from the generated `openapi.json`. */
function documentedOperations(document: Document): string[] {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) =>
      [method.toUpperCase(), path, ...(operation.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort()].join(' '),
    ),
  );
  const lists = Object.entries(document.components.schemas)
    .filter(([name]) => name.endsWith('List'))
    .map(([name, schema]) =>
      [name, ...Object.keys(schema.properties).sort(), 'required:', ...[...(schema.required ?? [])].sort()].join(' '),
    );
  return [...operations, ...lists].sort();
}

describe.skipIf(!python)('generated FastAPI services', () => {
  for (const [example, failure] of compileFailures) {
    it.skip(`examples/${example} (compiled): skipped: the compiler failed: ${failure}`, () => {});
  }
  for (const [name, build] of services) {
    describe(name, () => {
      const ir = build();
      const dir = writeService(name.replace(/\W+/g, '-'), ir);

      it('passes its own pytest suite', async () => {
        const result = await execa(python?.path ?? '', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
          cwd: dir,
          env: pythonEnv,
          reject: false,
          timeout: 55_000,
        });
        const summary = result.stdout.trim().split('\n').at(-1) ?? '';
        expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
        expect(summary).toMatch(/^\d+ passed/);
      }, 60_000);

      it('serves exactly the operations, parameters and list schemas of openapi.json and the route table', async () => {
        const result = await execa(python?.path ?? '', ['-c', DUMP_OPERATIONS], {
          cwd: dir,
          env: pythonEnv,
          timeout: 30_000,
        });
        const served = result.stdout.trim().split('\n');
        const document = JSON.parse(generateAll(ir).find((f) => f.path === 'openapi.json')?.content ?? '{}');
        const documented = documentedOperations(document as Document);
        expect([...served].sort()).toEqual(documented);
        const table = routeTable(ir)
          .map((route) => `${route.method} ${route.path}`)
          .sort();
        const operations = Object.entries((document as Document).paths)
          .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
          .sort();
        expect(operations).toEqual(table);
      }, 40_000);
    });
  }
});

// A second interpreter with Pydantic 2 / SQLAlchemy 2 / current FastAPI, when the machine has one (opt-in by path).
const modernPython = process.env.QLF_PYTHON_PYDANTIC2;

const modernServices: [string, () => IR][] = [
  ['payments', paymentsIr],
  ['payments (cursor pagination)', () => withPagination(paymentsIr(), 'cursor')],
  ['clinic (no pagination)', () => withPagination(clinicIr(), 'none')],
];

describe('generated FastAPI services on Pydantic 2', () => {
  if (!modernPython) {
    it.skip('payments on Pydantic 2: skipped: set QLF_PYTHON_PYDANTIC2 to an interpreter with Pydantic 2', () => {});
    return;
  }
  it.each(modernServices)(
    '%s passes its own pytest suite',
    async (name, build) => {
      const dir = writeService(`${name.replace(/\W+/g, '-')}-pydantic2`, build());
      const probe = await execa(
        modernPython,
        ['-c', 'import pydantic, sqlalchemy; print(pydantic.VERSION, sqlalchemy.__version__)'],
        { env: pythonEnv },
      );
      expect(probe.stdout).toMatch(/^2\.\S+ 2\./);
      const result = await execa(modernPython, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
        cwd: dir,
        env: pythonEnv,
        reject: false,
        timeout: 55_000,
      });
      expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    },
    60_000,
  );
});

describe('FastAPI agents are deterministic', () => {
  it.each(fixtures)('%s: generating twice gives identical files', (_name, build) => {
    const first = generateAll(build());
    const second = generateAll(build());
    expect(second).toEqual(first);
    expect(first.map((f) => f.path)).toEqual([...new Set(first.map((f) => f.path))]);
  });
});
