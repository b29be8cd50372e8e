// Writes every Nx `schema.json` (executors and generators) from the zod schemas in `executor-options.ts`, so they
// never drift from the types. Run `npm run schemas` (`node dist/nx/emit-nx-schemas.js`); its test fails when stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-fs.js';
import { packageRoot } from '../core/package-info.js';
import { isStageName } from '../graph/stages.js';
import {
  briefGeneratorOptionsSchema,
  executorOptionsSchemas,
  initGeneratorOptionsSchema,
} from '../schemas/executor-options.js';

const generatorSchemas: Record<string, z.ZodType> = {
  init: initGeneratorOptionsSchema,
  brief: briefGeneratorOptionsSchema,
};

function nxSchema(schema: z.ZodType, extra: Record<string, unknown>): string {
  const {
    $schema: _drop,
    additionalProperties,
    ...json
  } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  const body = { $schema: 'https://json-schema.org/schema', ...extra, ...json, additionalProperties };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function readEntries(file: string, key: string): Record<string, { schema: string }> {
  const text = readFileSync(join(packageRoot(), file), 'utf8');
  return (JSON.parse(text) as Record<string, Record<string, { schema: string }>>)[key] ?? {};
}

/** Every Nx schema file qlf ships: path relative to the package root → content. */
export function nxSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, entry] of Object.entries(readEntries('executors.json', 'executors'))) {
    if (!isStageName(name)) throw new Error(`executors.json: "${name}" is not a stage`);
    files[entry.schema.replace(/^\.\//, '')] = nxSchema(executorOptionsSchemas[name], {
      version: 2,
      outputCapture: 'pipe',
    });
  }
  for (const [name, entry] of Object.entries(readEntries('generators.json', 'generators'))) {
    const schema = generatorSchemas[name];
    if (!schema) throw new Error(`generators.json: no options schema for generator "${name}"`);
    files[entry.schema.replace(/^\.\//, '')] = nxSchema(schema, { $id: `qlf-${name}`, cli: 'nx' });
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [path, text] of Object.entries(nxSchemaFiles())) {
    await writeFileAtomic(join(packageRoot(), path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
