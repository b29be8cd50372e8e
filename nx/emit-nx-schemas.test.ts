import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/package-info.js';
import { nxSchemaFiles } from './emit-nx-schemas.js';

describe('Nx schema.json files', () => {
  const files = nxSchemaFiles();

  it('covers every executor and generator', () => {
    expect(Object.keys(files).sort()).toEqual([
      'executors/build/schema.json',
      'executors/compile/schema.json',
      'executors/deploy/schema.json',
      'executors/generate/schema.json',
      'executors/package/schema.json',
      'executors/verify/schema.json',
      'generators/brief/schema.json',
      'generators/init/schema.json',
    ]);
  });

  it.each(Object.keys(files))('%s matches the zod source (run `npm run schemas` if not)', (path) => {
    // Compared as JSON, not bytes: the files on disk are formatted by biome.
    const onDisk = JSON.parse(readFileSync(join(packageRoot(), path), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(files[path] ?? 'null'));
  });

  it('marks the brief name as the first positional argument', () => {
    const brief = JSON.parse(files['generators/brief/schema.json'] ?? '{}');
    expect(brief.properties.name.$default).toEqual({ $source: 'argv', index: 0 });
    expect(brief.required).toEqual(['name']);
    expect(brief.additionalProperties).toBe(false);
  });
});
