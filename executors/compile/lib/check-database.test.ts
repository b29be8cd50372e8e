// Compile refuses, located in the brief, what no generated service could store.
import { beforeAll, describe, expect, it } from 'vitest';
import { isQlfError, type QlfError } from '../../../core/errors.js';
import { loadOverlayRegistry, type OverlayRegistry } from '../../../overlays/index.js';
import { runCompile } from '../compile.js';

let registry: OverlayRegistry;
beforeAll(async () => {
  registry = await loadOverlayRegistry([]);
});

async function refusal(text: string): Promise<QlfError> {
  try {
    await runCompile({ source: { text, file: 'svc/brief.qlf.yaml' }, overlays: registry, autoApplyThreshold: 0.7 });
  } catch (error) {
    if (isQlfError(error)) return error;
    throw error;
  }
  throw new Error('compiled without an error');
}

const brief = (stack: string, fields: string) => `apiVersion: qlf.dev/v1
kind: Brief
name: catalog
description: A catalogue of products.
stack:
  database: ${stack}
entities:
  - name: Product
    fields:
      - { name: title, type: string }
${fields}`;

describe('checkDatabase', () => {
  it('refuses MongoDB at stack.database with the supported list', async () => {
    const error = await refusal(brief('mongodb', ''));
    expect(error.code).toBe('E_DATABASE_UNSUPPORTED');
    expect(error.kind).toBe('input');
    expect(error.issues[0]).toMatchObject({ file: 'svc/brief.qlf.yaml', line: 6, column: 13, path: 'stack.database' });
    expect(error.message).toContain('postgresql, mysql, sqlite');
  });

  it('refuses MongoDB asked for in the description, pointing at it', async () => {
    const text = `apiVersion: qlf.dev/v1
kind: Brief
name: notes
description: A notes service storing documents in MongoDB.
`;
    const error = await refusal(text);
    expect(error.code).toBe('E_DATABASE_UNSUPPORTED');
    expect(error.issues[0]).toMatchObject({ line: 4, path: 'description' });
  });

  it('refuses a unique TEXT field on MySQL at the field, and accepts it on PostgreSQL', async () => {
    const field = '      - { name: body, type: text, unique: true }\n';
    const error = await refusal(brief('mysql', field));
    expect(error.code).toBe('E_FIELD_UNSUPPORTED');
    expect(error.issues[0]).toMatchObject({ line: 11, column: 9, path: 'entities.0.fields.1' });
    expect(error.issues[0]?.message).toContain('Product.body is unique, but MySQL cannot index a TEXT column');
    await expect(
      runCompile({ source: { text: brief('postgresql', field) }, overlays: registry, autoApplyThreshold: 0.7 }),
    ).resolves.toBeDefined();
  });

  it('refuses unique keys past MySQL index limits and unique JSON everywhere', async () => {
    const mysql = await refusal(brief('mysql', '      - { name: link, type: url, unique: true }\n'));
    expect(mysql.issues[0]?.message).toContain('2048 characters long, past the 768');
    const json = await refusal(brief('sqlite', '      - { name: attrs, type: json, unique: true }\n'));
    expect(json.issues[0]?.message).toContain('JSON values cannot be compared');
  });

  it('refuses a text field longer than a MySQL TEXT column holds, and accepts it elsewhere', async () => {
    const field = '      - { name: body, type: text, max: 100000 }\n';
    const error = await refusal(brief('mysql', field));
    expect(error.issues[0]?.message).toContain(
      'up to 100000 characters long, past the 16383 a MySQL TEXT column holds',
    );
    await expect(
      runCompile({ source: { text: brief('postgresql', field) }, overlays: registry, autoApplyThreshold: 0.7 }),
    ).resolves.toBeDefined();
  });
});
