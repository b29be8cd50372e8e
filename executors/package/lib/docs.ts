// The capsule's documentation (docs/README.md and a self-contained docs/index.html), rendered with eta from the
// templates in ../templates/ and a plain data model built here from the IR, the service files and the SBOM.
import { Eta } from 'eta';
import { packagePath } from '../../../core/package-info.js';
import type { TarEntry } from '../../../core/tar.js';
import type { IR } from '../../../schemas/ir.js';
import type { Dependency } from './dependencies.js';

export const DOC_SECTIONS = ['overview', 'run', 'configuration', 'api', 'sbom', 'security'] as const;
export type DocSection = (typeof DOC_SECTIONS)[number];

export interface ApiOperation {
  method: string;
  path: string;
  summary: string;
}

export interface DocsModel {
  name: string;
  description: string;
  qlfVersion: string;
  sections: DocSection[];
  ir: Pick<IR, 'domain' | 'stack' | 'features' | 'ops' | 'api'>;
  entities: { name: string; resource: string; fields: string }[];
  run: { install: string[]; start: string[]; test: string[]; image?: string };
  env: { name: string; example: string }[];
  api: { title: string; version: string; operations: ApiOperation[] } | { missing: string };
  dependencies: Dependency[];
  sbomGenerator: string;
  controls: { name: string; value: string }[];
  overlays: IR['overlays']['applied'];
  handling: { field: string; classification: string; rules: string }[];
  rules: number;
}

const text = (content: Uint8Array) => new TextDecoder().decode(content);

/** Operations listed in the service's openapi.json (root first, else the first one found), sorted by path/method. */
export function apiFromOpenapi(files: readonly TarEntry[]): DocsModel['api'] {
  const file = files.find((f) => f.path === 'openapi.json') ?? files.find((f) => f.path.endsWith('/openapi.json'));
  if (!file) return { missing: 'the service has no openapi.json' };
  let doc: {
    info?: { title?: string; version?: string };
    paths?: Record<string, Record<string, { summary?: string }>>;
  };
  try {
    doc = JSON.parse(text(file.content));
  } catch {
    return { missing: `${file.path} is not valid JSON` };
  }
  const methods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const method of methods) {
      const op = item?.[method];
      if (op) operations.push({ method: method.toUpperCase(), path, summary: op.summary ?? '' });
    }
  }
  return { title: doc.info?.title ?? '', version: doc.info?.version ?? '', operations };
}

function envExample(files: readonly TarEntry[]): DocsModel['env'] {
  const file = files.find((f) => f.path === '.env.example');
  if (!file) return [];
  return text(file.content)
    .split(/\r?\n/)
    .map((line) => /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, example: m[2]! }));
}

function runCommands(ir: IR, files: readonly TarEntry[], image?: string): DocsModel['run'] {
  const has = (path: string) => files.some((f) => f.path === path);
  const install = has('requirements.txt') ? ['python -m pip install -r requirements.txt'] : [];
  if (has('package.json')) install.push('npm ci');
  const module = has('app/main.py') ? 'app.main:app' : has('main.py') ? 'main:app' : undefined;
  const start = ir.stack.backend.value === 'fastapi' && module ? [`python -m uvicorn ${module} --port 8000`] : [];
  const test = files.some((f) => /(^|\/)tests?\//.test(f.path) && f.path.endsWith('.py'))
    ? ['python -m pytest -q']
    : [];
  return { install, start, test, image };
}

export interface DocsInput {
  ir: IR;
  files: readonly TarEntry[];
  dependencies: Dependency[];
  sbomGenerator: string;
  qlfVersion: string;
  sections: readonly DocSection[];
  image?: string;
}

export function docsModel(input: DocsInput): DocsModel {
  const { ir } = input;
  const handling = ir.entities.flatMap((entity) =>
    entity.fields
      .filter((field) => field.classification)
      .map((field) => ({
        field: `${entity.name}.${field.name}`,
        classification: field.classification ?? '',
        rules: field.handling
          ? Object.entries(field.handling)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([key, value]) => `${key}: ${String(value)}`)
              .join(', ')
          : 'none recorded',
      })),
  );
  return {
    name: ir.name,
    description: ir.description,
    qlfVersion: input.qlfVersion,
    sections: [...input.sections],
    ir,
    entities: ir.entities.map((e) => ({
      name: e.name,
      resource: e.resource,
      fields: e.fields.map((f) => f.name).join(', '),
    })),
    run: runCommands(ir, input.files, input.image),
    env: envExample(input.files),
    api: apiFromOpenapi(input.files),
    dependencies: input.dependencies,
    sbomGenerator: input.sbomGenerator,
    controls: Object.entries(ir.controls)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => ({ name, value: String(value) })),
    overlays: ir.overlays.applied,
    handling,
    rules: ir.overlays.rules.length,
  };
}

let eta: { md: Eta; html: Eta } | undefined;

/** Renders docs/README.md and docs/index.html. Markdown is not HTML-escaped; the HTML page escapes every value. */
export function renderDocs(model: DocsModel): { markdown: string; html: string } {
  const views = packagePath('executors', 'package', 'templates');
  eta ??= {
    md: new Eta({ views, autoEscape: false, autoTrim: false, cache: true }),
    html: new Eta({ views, autoEscape: true, autoTrim: false, cache: true }),
  };
  // Markdown renderers pass raw HTML through, so angle brackets in user text are escaped as entities.
  const mdText = (value: unknown) => String(value).replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const mdCell = (value: unknown) => mdText(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  // Inside code spans entities would show literally; only the table pipe and backticks need care there.
  const mdCode = (value: unknown) => String(value).replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\r?\n/g, ' ');
  const markdown = eta.md.render('./readme.md.eta', { ...model, mdCell, mdText, mdCode }).replace(/\n{3,}/g, '\n\n');
  return {
    markdown,
    html: eta.html.render('./index.html.eta', model),
  };
}
