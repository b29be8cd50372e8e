// End to end for the FastAPI agents: generate each fixture service, then run its own pytest suite in real Python and
// compare the app's served OpenAPI paths with `openapi.json` and the route table.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-info.js';
import { findPython } from '../../core/python.js';
import type { IR } from '../../schemas/ir.js';
import fastapiBackend from './agents/fastapi-backend.js';
import openapi from './agents/openapi.js';
import pytestTests from './agents/pytest-tests.js';
import { clinicIr, notesIr, paymentsIr } from './fixtures/ir-fixtures.js';
import { routeTable } from './lib/routes.js';

const ctx = { qlfVersion: '0.0.0-test' };

/** A real example brief compiled with the built-in overlays; undefined (test skipped) when the compiler cannot run. */
let compileFailure = '';
async function compiledExample(name: string): Promise<IR | undefined> {
  try {
    const { runCompile } = await import('../compile/compile.js');
    const { builtinOverlayDir, loadOverlayRegistry } = await import('../../overlays/lib/load-overlay-registry.js');
    const overlays = await loadOverlayRegistry([builtinOverlayDir()]);
    const text = readFileSync(packagePath('examples', name, 'brief.qlf.yaml'), 'utf8');
    return (await runCompile({ source: { text, file: 'brief.qlf.yaml' }, overlays, autoApplyThreshold: 0.7 })).ir;
  } catch (error) {
    compileFailure = (error as Error).message.split('\n')[0] ?? 'unknown error';
    return undefined;
  }
}
const compiledClinic = await compiledExample('clinic');
const fixtures: [string, () => IR][] = [
  ['payments', paymentsIr],
  ['clinic', clinicIr],
  ['notes', notesIr],
];
const services: [string, () => IR][] = compiledClinic
  ? [...fixtures, ['examples/clinic (compiled)', () => compiledClinic]]
  : fixtures;
const python = await findPython({
  require: ['fastapi', 'sqlalchemy', 'pydantic', 'httpx', 'pytest', 'cryptography', 'multipart'],
});
const root = mkdtempSync(join(tmpdir(), 'qlf-generated-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function generateAll(ir: IR) {
  return [fastapiBackend, pytestTests, openapi].flatMap((agent) => agent.generate(ir, ctx));
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

// Prints the app's operations (`METHOD path`, sorted) with throw-away secrets, as the verify stage's uvicorn would serve.
const DUMP_PATHS = `
import os, secrets
from cryptography.fernet import Fernet
os.environ.update(DATABASE_URL="sqlite://", JWT_SECRET=secrets.token_urlsafe(48), AUTH_USERNAME="u",
    AUTH_PASSWORD_HASH="pbkdf2_sha256$1$AA$AA", API_KEYS=secrets.token_urlsafe(16),
    DATA_ENCRYPTION_KEY=Fernet.generate_key().decode(), LOG_LEVEL="WARNING")
from app.main import app
for path, item in sorted(app.openapi()["paths"].items()):
    for method in sorted(item):
        print(method.upper(), path)
`;

describe.skipIf(!python)('generated FastAPI services', () => {
  if (!compiledClinic) it.skip(`examples/clinic (compiled): skipped: the compiler failed: ${compileFailure}`, () => {});
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

      it('serves exactly the operations of openapi.json and the route table', async () => {
        const result = await execa(python?.path ?? '', ['-c', DUMP_PATHS], {
          cwd: dir,
          env: pythonEnv,
          timeout: 30_000,
        });
        const served = result.stdout.trim().split('\n');
        const documented = Object.entries(
          JSON.parse(generateAll(ir).find((f) => f.path === 'openapi.json')?.content ?? '{}').paths as Record<
            string,
            object
          >,
        )
          .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
          .sort();
        const table = routeTable(ir)
          .map((route) => `${route.method} ${route.path}`)
          .sort();
        expect(documented).toEqual(table);
        expect([...served].sort()).toEqual(table);
      }, 40_000);
    });
  }
});

// A second interpreter with Pydantic 2 / SQLAlchemy 2 / current FastAPI, when the machine has one (opt-in by path).
const modernPython = process.env.QLF_PYTHON_PYDANTIC2;

describe('generated FastAPI services on Pydantic 2', () => {
  if (!modernPython) {
    it.skip('payments on Pydantic 2: skipped: set QLF_PYTHON_PYDANTIC2 to an interpreter with Pydantic 2', () => {});
    return;
  }
  it('payments passes its own pytest suite', async () => {
    const dir = writeService('payments-pydantic2', paymentsIr());
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
  }, 60_000);
});

describe('FastAPI agents are deterministic', () => {
  it.each(fixtures)('%s: generating twice gives identical files', (_name, build) => {
    const first = generateAll(build());
    const second = generateAll(build());
    expect(second).toEqual(first);
    expect(first.map((f) => f.path)).toEqual([...new Set(first.map((f) => f.path))]);
  });
});
