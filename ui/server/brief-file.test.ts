// Saving a brief from the editor: atomic, and refused (409) when the file changed on disk since it was loaded.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { SHOP_BRIEF, startUiWorkspace, type UiWorkspace } from './testing/ui-workspace.js';

let ws: UiWorkspace;

beforeAll(async () => {
  ws = await startUiWorkspace();
}, 60_000);

afterAll(async () => {
  await ws?.close();
});

const path = `/api/brief-file?path=${encodeURIComponent(SHOP_BRIEF)}`;

describe('UI server: saving briefs', () => {
  it('saves over the text it loaded, and refuses to overwrite an edit made on disk since', async () => {
    const loaded = (await ws.request('GET', path)).json() as { text: string; hash: string };
    expect(loaded.hash).toBe(sha256(await readFile(join(ws.root, SHOP_BRIEF))));

    const mine = loaded.text.replace('name: shop', 'name: shop\n# saved from the UI');
    const saved = await ws.request('PUT', '/api/brief-file', {
      body: { path: SHOP_BRIEF, text: mine, baseHash: loaded.hash },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json().hash).toBe(sha256(mine));
    expect(await readFile(join(ws.root, SHOP_BRIEF), 'utf8')).toBe(mine);
    // Atomic: nothing is left beside the brief.
    expect(await readdir(dirname(join(ws.root, SHOP_BRIEF)))).toEqual(['brief.qlf.yaml']);

    // Someone else edits the file; a save based on the old text is refused and changes nothing.
    const theirs = `${mine}# edited in another editor\n`;
    await writeFile(join(ws.root, SHOP_BRIEF), theirs);
    const meta = (await ws.request('GET', `/api/brief-file/meta?path=${encodeURIComponent(SHOP_BRIEF)}`)).json();
    expect(meta.hash).toBe(sha256(theirs));
    const stale = await ws.request('PUT', '/api/brief-file', {
      body: { path: SHOP_BRIEF, text: `${mine}# my later edit\n`, baseHash: sha256(mine) },
    });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'E_UI_CHANGED_ON_DISK' }, current: { hash: sha256(theirs) } });
    expect(await readFile(join(ws.root, SHOP_BRIEF), 'utf8')).toBe(theirs);

    // Overwriting on purpose names the text now on disk.
    const chosen = await ws.request('PUT', '/api/brief-file', {
      body: { path: SHOP_BRIEF, text: `${mine}# my later edit\n`, baseHash: sha256(theirs) },
    });
    expect(chosen.status).toBe(200);
    expect(await readFile(join(ws.root, SHOP_BRIEF), 'utf8')).toBe(`${mine}# my later edit\n`);
  });

  it('refuses a save without the hash it is based on', async () => {
    const answer = await ws.request('PUT', '/api/brief-file', { body: { path: SHOP_BRIEF, text: 'x' } });
    expect(answer.status).toBe(400);
    expect(answer.json().error).toMatchObject({ code: 'E_UI_BAD_REQUEST' });
  });

  it('creates a brief from a sentence through the qlf:brief generator, where the globs find it', async () => {
    const answer = await ws.request('POST', '/api/briefs', {
      body: { sentence: 'A HIPAA-compliant patient records API for a small clinic' },
    });
    expect(answer.status, answer.text).toBe(201);
    const created = answer.json() as { name: string; file: string };
    expect(created.file).toMatch(/^briefs\/.+\/brief\.qlf\.yaml$/);
    const text = await readFile(join(ws.root, created.file), 'utf8');
    expect(text).toContain(`name: ${created.name}`);
    expect(text).toContain('HIPAA-compliant patient records API');
    const listed = (await ws.request('GET', '/api/briefs')).json() as { briefs: { name: string }[] };
    expect(listed.briefs.map((b) => b.name)).toContain(created.name);
    const again = await ws.request('POST', '/api/briefs', {
      body: { sentence: 'A HIPAA-compliant patient records API for a small clinic' },
    });
    expect(again.status).toBe(400);
    const outside = await ws.request('POST', '/api/briefs', { body: { name: 'away', directory: '../elsewhere' } });
    expect(outside.status).toBe(400);
  });
});
