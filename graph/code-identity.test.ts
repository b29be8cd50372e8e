import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeDigest } from './code-identity.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function checkout(
  files: Record<string, string>,
): Promise<{ root: string; write: (p: string, t: string) => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'qlf-code-'));
  roots.push(root);
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  for (const [path, text] of Object.entries(files)) await write(path, text);
  return { root, write };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('codeDigest (task hashes in a source checkout)', () => {
  it('changes with the built code and the templates, not with anything else', async () => {
    const { root, write } = await checkout({
      'dist/graph/run.js': 'export const a = 1;\n',
      'dist/graph/run.d.ts': 'export declare const a: number;\n',
      'executors/generate/templates/main.py.eta': 'app = FastAPI()\n',
      'executors/generate/lib/routes.ts': 'export {};\n',
    });
    const memo = join(root, 'memo.json');
    const first = codeDigest(root, memo);
    expect(codeDigest(root, memo)).toBe(first);

    await tick();
    await write('dist/graph/run.d.ts', 'export declare const a: 1;\n');
    await write('executors/generate/lib/routes.ts', 'export const b = 2;\n');
    expect(codeDigest(root, memo), 'types and sources are not what runs').toBe(first);

    await write('dist/graph/run.js', 'export const a = 2;\n');
    const rebuilt = codeDigest(root, memo);
    expect(rebuilt).not.toBe(first);
    await write('executors/generate/templates/main.py.eta', 'app = FastAPI(title="x")\n');
    expect(codeDigest(root, memo)).not.toBe(rebuilt);
    await write('dist/new.js', '');
    expect(codeDigest(root, memo), 'a file added counts').not.toBe(rebuilt);
  });

  it('reads no file while the stamps match what it remembered', async () => {
    const { root } = await checkout({ 'dist/index.js': 'export {};\n' });
    const memo = join(root, 'memo.json');
    codeDigest(root, memo);
    const remembered = JSON.parse(await readFile(memo, 'utf8'));
    // Same stamps, another digest: only the memo can be the source of what comes back.
    await writeFile(memo, JSON.stringify({ ...remembered, digest: 'from-the-memo' }));
    expect(codeDigest(root, memo)).toBe('from-the-memo');
    await writeFile(memo, '{ not json');
    expect(codeDigest(root, memo)).toBe(remembered.digest);
  });

  it('works without dist/ (running from the sources)', async () => {
    const { root } = await checkout({ 'executors/generate/templates/a.eta': 'a' });
    expect(codeDigest(root, join(root, 'memo.json'))).toMatch(/^[0-9a-f]{64}$/);
  });
});
