// Emits the JSON Schemas in `schemas/json/` from the zod schemas, so editors can validate briefs, overlays and
// configs as users type, and tools can read the IR. Run by `npm run schemas`; a test fails when a file is stale.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-fs.js';
import { canonicalJson } from '../core/canonical-json.js';
import { packagePath } from '../core/package-info.js';
import { briefSchema } from './brief.js';
import { configSchema } from './config.js';
import { irSchema } from './ir.js';
import { overlaySchema } from './overlay.js';

const SCHEMA_BASE = 'https://qlf.dev/schemas/';

/** What each file describes; `input` schemas leave defaulted keys optional, as users write them. */
const EMITTED = [
  { file: 'brief.schema.json', schema: briefSchema, io: 'input', title: 'qlf brief (brief.qlf.yaml)' },
  { file: 'overlay.schema.json', schema: overlaySchema, io: 'input', title: 'qlf overlay' },
  { file: 'ir.schema.json', schema: irSchema, io: 'output', title: 'qlf intermediate representation (ir.json)' },
  { file: 'config.schema.json', schema: configSchema, io: 'input', title: 'qlf config (qlf.config.ts)' },
] as const;

/** Folder the committed JSON Schemas live in. */
export function jsonSchemaDir(): string {
  return packagePath('schemas', 'json');
}

/** File name → canonical JSON Schema text (draft 2020-12, sorted keys, trailing newline). */
export function renderJsonSchemas(): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const { file, schema, io, title } of EMITTED) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    rendered[file] = canonicalJson({ ...json, $id: `${SCHEMA_BASE}${file}`, title });
  }
  return rendered;
}

/** Writes every schema into `dir`; returns the paths written. */
export async function writeJsonSchemas(dir: string = jsonSchemaDir()): Promise<string[]> {
  const written: string[] = [];
  for (const [file, text] of Object.entries(renderJsonSchemas())) {
    const target = join(dir, file);
    await writeFileAtomic(target, text);
    written.push(target);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of await writeJsonSchemas()) process.stdout.write(`wrote ${path}\n`);
}
