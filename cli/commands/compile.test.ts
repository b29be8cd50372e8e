// `qlf compile` in-process through `main`, in a temporary workspace, with captured output.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-info.js';
import { runQlf } from '../testing/run-qlf-in-process.js';

const VALID =
  'apiVersion: qlf.dev/v1\nkind: Brief\nname: notes\ndescription: A note taking API. Notes have a title and a body.\n';
let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(join(tmpdir(), 'qlf-compile-'));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

async function brief(rel: string, text: string): Promise<string> {
  await mkdir(join(ws, rel, '..'), { recursive: true });
  await writeFile(join(ws, rel), text);
  return rel;
}

describe('qlf compile', () => {
  it('prints the canonical IR of one brief and exits 0', async () => {
    await brief('notes/brief.qlf.yaml', VALID);
    const result = await runQlf(ws, ['compile', 'notes/brief.qlf.yaml']);
    expect(result.code).toBe(0);
    const ir = JSON.parse(result.stdout);
    expect(ir.name).toBe('notes');
    expect(ir.entities.map((e: { name: string }) => e.name)).toEqual(['Note']);
    expect(Object.keys(ir)).toEqual(Object.keys(ir).sort());
  });

  it('writes <outDir>/<name>/ir.json for every example with --write, and --json lists them', async () => {
    await cp(packagePath('examples'), join(ws, 'examples'), { recursive: true });
    const result = await runQlf(ws, ['compile', 'examples', '--write', '--json']);
    expect(result.code).toBe(0);
    const { written } = JSON.parse(result.stdout) as { written: { name: string; file: string }[] };
    expect(written.map((w) => w.name).sort()).toEqual(['clinic', 'crm', 'orders', 'patients', 'payments', 'shop']);
    expect((await readdir(join(ws, 'dist/qlf'))).sort()).toEqual([
      'clinic',
      'crm',
      'orders',
      'patients',
      'payments',
      'shop',
    ]);
    const shop = await readFile(join(ws, 'dist/qlf/shop/ir.json'), 'utf8');
    expect(JSON.parse(shop).domain.value).toBe('ecommerce');
    // Warnings go to stderr, located in their brief.
    expect(result.stderr).toContain('examples/orders/brief.qlf.yaml: warning W_ENTITY_OWNED_ELSEWHERE');
  });

  it('writes one brief to --out FILE', async () => {
    await brief('brief.qlf.yaml', VALID);
    const result = await runQlf(ws, ['compile', 'brief.qlf.yaml', '--out', 'out/ir.json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(join(ws, 'out/ir.json'), 'utf8')).name).toBe('notes');
  });

  const head = 'apiVersion: qlf.dev/v1\nkind: Brief\n';
  it.each([
    ['malformed YAML', `${head}name: [notes\ndescription: x\n`, 'E_BRIEF_YAML', ':4:1'],
    ['a bad name', `${head}name: Payments_API\ndescription: x\n`, 'E_BRIEF_SCHEMA', ':3:7'],
    ['a path as name', `${head}name: ../../etc\ndescription: x\n`, 'E_BRIEF_SCHEMA', ':3:7'],
    ['a wrong kind', 'apiVersion: qlf.dev/v1\nkind: Service\nname: x\ndescription: x\n', 'E_BRIEF_SCHEMA', ':2:7'],
    ['an unknown overlay', `${head}name: x\ndescription: x\noverlays: [pci-dds]\n`, 'E_OVERLAY_UNKNOWN', ':5:12'],
    ['an empty description', `${head}name: x\ndescription: ""\n`, 'E_BRIEF_SCHEMA', ':4:14'],
    ['duplicate keys', `${head}name: x\nname: y\ndescription: x\n`, 'E_BRIEF_YAML', ':4:1'],
    ['a list', '- a\n- b\n', 'E_BRIEF_SHAPE', ':1:1'],
    ['a scalar', 'hello\n', 'E_BRIEF_SHAPE', ':1:1'],
    ['binary garbage', `${head}name: x\u0000\u0001\u0002\n`, 'E_BRIEF_BINARY', ':3:8'],
    ['an escaped NUL', `${head}name: x\ndescription: "x\\u0000"\n`, 'E_BRIEF_CONTROL_CHAR', ':4:14'],
    ['!!omap', `${head}name: x\ndescription: x\nops: !!omap [replicas: 99999]\n`, 'E_BRIEF_YAML_TYPE', ':5:6'],
    ['300,000 nested `[`', `${head}name: x\ndescription: x\nx: ${'['.repeat(300_000)}\n`, 'E_BRIEF_TOO_DEEP', ':5:67'],
  ])('rejects %s: exit 2, file:line:col and a fix, nothing written', async (_case, text, code, where) => {
    await brief('bad/brief.qlf.yaml', text);
    const result = await runQlf(ws, ['compile', 'bad/brief.qlf.yaml', '--write']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`bad/brief.qlf.yaml${where}`);
    expect(result.stderr).toContain(code);
    expect(result.stderr).toContain('  fix: ');
    expect(existsSync(join(ws, 'dist'))).toBe(false);
  });

  it('qlf run refuses a brief nested too deep before any task, with the same place and fix', async () => {
    await brief('deep/brief.qlf.yaml', `${head}name: deep\ndescription: x\nx: ${'['.repeat(300_000)}\n`);
    const started = Date.now();
    const result = await runQlf(ws, ['run', '--stage', 'compile']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('deep/brief.qlf.yaml:5:67');
    expect(result.stderr).toMatch(/E_BRIEF_TOO_DEEP.*deeper than 64 levels/);
    expect(result.stderr).toContain('  fix: ');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects a 5 MB brief before parsing it and invalid UTF-8', async () => {
    await brief('big/brief.qlf.yaml', `${head}name: big\ndescription: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    const big = await runQlf(ws, ['compile', 'big/brief.qlf.yaml']);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('E_BRIEF_TOO_LARGE');
    await writeFile(join(ws, 'utf.yaml'), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    const utf = await runQlf(ws, ['compile', 'utf.yaml']);
    expect(utf.code).toBe(2);
    expect(utf.stderr).toContain('E_BRIEF_BINARY');
  });

  it('writes nothing when one of several briefs is bad, and reports every bad one', async () => {
    await brief('a/brief.qlf.yaml', VALID);
    await brief('b/brief.qlf.yaml', `${head}name: B\ndescription: x\n`);
    await brief('c/brief.qlf.yaml', `${head}name: c\n`);
    const result = await runQlf(ws, ['compile', '.', '--write']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('b/brief.qlf.yaml:3:7');
    expect(result.stderr).toContain('c/brief.qlf.yaml');
    expect(existsSync(join(ws, 'dist'))).toBe(false);
  });

  it('colours only a terminal without NO_COLOR', async () => {
    await brief('a/brief.qlf.yaml', `${head}name: A\ndescription: x\n`);
    const plain = await runQlf(ws, ['compile', 'a/brief.qlf.yaml'], { NO_COLOR: '1' }, true);
    expect(plain.stderr).not.toContain('\u001b[');
    const coloured = await runQlf(ws, ['compile', 'a/brief.qlf.yaml'], {}, true);
    expect(coloured.stderr).toContain('\u001b[');
  });

  it('exits 2 for a missing path', async () => {
    const result = await runQlf(ws, ['compile', 'nope.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('E_BRIEF_NOT_FOUND');
  });
});
