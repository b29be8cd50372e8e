// The UI server refuses what could read or write outside the workspace, secrets, other hosts and other sites.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOP_BRIEF, startUiWorkspace, type UiWorkspace } from './testing/ui-workspace.js';

const SECRET = 'TOP-SECRET-OUTSIDE-CONTENT';

let ws: UiWorkspace;
let hash = '';

beforeAll(async () => {
  ws = await startUiWorkspace();
  // Outside the workspace: a brief-shaped file and a plain one, both holding the secret.
  await writeFile(join(ws.outside, 'brief.qlf.yaml'), `name: outside\ndescription: ${SECRET}\n`);
  await writeFile(join(ws.outside, 'notes.txt'), SECRET);
  // Inside: links that lead out, a folder link that leads out, and secrets in a working copy.
  await mkdir(join(ws.root, 'briefs', 'linked'), { recursive: true });
  await symlink(join(ws.outside, 'brief.qlf.yaml'), join(ws.root, 'briefs', 'linked', 'brief.qlf.yaml'));
  await symlink(ws.outside, join(ws.root, 'briefs', 'escape'));
  const service = join(ws.root, 'briefs', 'shop', 'service');
  await mkdir(join(service, 'app'), { recursive: true });
  await mkdir(join(service, '.keys'), { recursive: true });
  await writeFile(join(service, 'app', 'main.py'), 'print("hello")\n');
  await writeFile(join(service, '.env'), `DATABASE_URL=${SECRET}\n`);
  await writeFile(join(service, '.keys', 'qlf-signing.key'), SECRET);
  await writeFile(join(service, 'deploy.pem'), SECRET);
  await writeFile(join(service, 'innocent.txt'), `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----\n`);
  await symlink(join(ws.outside, 'notes.txt'), join(service, 'notes.txt'));
  hash = (await ws.request('GET', `/api/brief-file?path=${encodeURIComponent(SHOP_BRIEF)}`)).json().hash as string;
}, 60_000);

afterAll(async () => {
  await ws?.close();
});

const BAD_BRIEF_PATHS = [
  '../outside/brief.qlf.yaml',
  'briefs/../../outside/brief.qlf.yaml',
  'briefs/shop/../../../outside/brief.qlf.yaml',
  'PLACEHOLDER_ABSOLUTE',
  '/etc/passwd',
  'briefs\\..\\..\\outside\\brief.qlf.yaml',
  'briefs/%2e%2e/%2e%2e/outside/brief.qlf.yaml',
  'briefs/%252e%252e/outside/brief.qlf.yaml',
  'briefs/shop/brief.qlf.yaml\u0000',
  'briefs/linked/brief.qlf.yaml',
  'briefs/escape/brief.qlf.yaml',
  'qlf.config.json',
  'briefs/shop/service/.env',
  './briefs/shop/brief.qlf.yaml',
];

describe('UI server: paths', () => {
  const badPaths = () =>
    BAD_BRIEF_PATHS.map((path) => (path === 'PLACEHOLDER_ABSOLUTE' ? join(ws.outside, 'brief.qlf.yaml') : path));

  it('reads no brief path outside the workspace, through links, or that is not a brief', async () => {
    for (const path of badPaths()) {
      for (const route of ['/api/brief-file', '/api/brief-file/meta']) {
        const answer = await ws.request('GET', `${route}?path=${encodeURIComponent(path)}`);
        expect([400, 403, 404], `${route} ${JSON.stringify(path)}: ${answer.text}`).toContain(answer.status);
        expect(answer.text).not.toContain(SECRET);
      }
    }
    // Raw, unencoded forms in the request line too.
    for (const raw of ['/api/brief-file?path=../outside/brief.qlf.yaml', '/api/brief-file?path=%2F..%2Foutside']) {
      const answer = await ws.request('GET', raw);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.text).not.toContain(SECRET);
    }
  });

  it('writes nowhere but brief files inside the workspace', async () => {
    for (const path of badPaths()) {
      const answer = await ws.request('PUT', '/api/brief-file', {
        body: { path, text: 'name: pwned\n', baseHash: hash },
      });
      expect([400, 403, 404], `${JSON.stringify(path)}: ${answer.text}`).toContain(answer.status);
    }
    expect(await readFile(join(ws.outside, 'brief.qlf.yaml'), 'utf8')).toContain(SECRET);
    expect(await readFile(join(ws.root, 'qlf.config.json'), 'utf8')).not.toContain('pwned');
    expect(await readFile(join(ws.root, 'briefs', 'shop', 'service', '.env'), 'utf8')).toContain(SECRET);
  });

  it('serves working-copy files but no secret, no link out and nothing above the working copy', async () => {
    const ok = await ws.request('GET', '/api/outputs/shop/file?path=app/main.py');
    expect(ok.status).toBe(200);
    expect(ok.json().text).toBe('print("hello")\n');
    for (const path of [
      '.env',
      '.keys/qlf-signing.key',
      'deploy.pem',
      'innocent.txt',
      'notes.txt',
      '../brief.qlf.yaml',
      '../../../outside/notes.txt',
      join(ws.outside, 'notes.txt'),
      'app/%2e%2e/%2e%2e/brief.qlf.yaml',
    ]) {
      const answer = await ws.request('GET', `/api/outputs/shop/file?path=${encodeURIComponent(path)}`);
      expect([400, 403, 404], `${path}: ${answer.text}`).toContain(answer.status);
      expect(answer.text).not.toContain(SECRET);
    }
    const tree = (await ws.request('GET', '/api/outputs/shop/files')).json() as { files: { path: string }[] };
    const listed = tree.files.map((file) => file.path);
    expect(listed).toContain('app/main.py');
    expect(listed).not.toContain('.env');
    expect(listed.some((path) => path.startsWith('.keys/') || path.endsWith('.pem'))).toBe(false);
  });

  it('finds no static file outside the bundle', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/assets/../qlf.config.json',
      '/%2e%2e/qlf.config.json',
      '/assets/app.js.map',
    ]) {
      const answer = await ws.request('GET', path);
      expect(answer.status, path).toBe(404);
    }
    expect((await ws.request('GET', '/assets/app.js')).status).toBe(200);
  });
});

describe('UI server: hosts, origins and content types', () => {
  it('answers only requests naming its own address', async () => {
    const port = ws.server.port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await ws.request('GET', '/api/briefs', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1.nip.io:${port}`]) {
      const answer = await ws.request('GET', '/api/briefs', { headers: { host } });
      expect(answer.status, host).toBe(403);
      expect(answer.json().error).toMatchObject({ code: 'E_UI_HOST' });
    }
  });

  it('refuses other origins and cross-site requests, reads and writes alike', async () => {
    const body = { path: SHOP_BRIEF, text: 'name: evil\n', baseHash: hash };
    for (const origin of ['http://evil.example', `https://${ws.host}`, 'null', `http://${ws.host}.evil.example`]) {
      const put = await ws.request('PUT', '/api/brief-file', { headers: { origin }, body });
      expect(put.status, origin).toBe(403);
      const get = await ws.request('GET', '/api/briefs', { headers: { origin } });
      expect(get.status, origin).toBe(403);
    }
    const crossSite = await ws.request('GET', '/api/briefs', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(await readFile(join(ws.root, SHOP_BRIEF), 'utf8')).not.toContain('name: evil');
    const sameOrigin = await ws.request('GET', '/api/briefs', { headers: { origin: `http://${ws.host}` } });
    expect(sameOrigin.status).toBe(200);
  });

  it('accepts writes only as JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await ws.request('PUT', '/api/brief-file', {
        headers: { 'content-type': type },
        body: JSON.stringify({ path: SHOP_BRIEF, text: 'name: evil\n', baseHash: hash }),
      });
      expect(answer.status, type).toBe(415);
    }
    const run = await ws.request('POST', '/api/run', { headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(run.status).toBe(415);
    expect(await readFile(join(ws.root, SHOP_BRIEF), 'utf8')).not.toContain('name: evil');
  });
});
