// The browser app as `npm run build` bundled it into dist/ui/app/: index.html and the files under /assets/, read once
// and kept in memory (gzipped too, for clients that accept it). Nothing else on disk is reachable through here.
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inputError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { packagePath } from '../../core/package-info.js';
import { sendBytes } from './http-util.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * CodeMirror adds its styles at run time, hence inline styles; scripts only from this server, and nothing may be
 * fetched from or framed by any other origin.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** Where the bundled app lives. */
export function appDir(): string {
  return packagePath('dist', 'ui', 'app');
}

export class StaticAssets {
  private constructor(private readonly assets: Map<string, Asset>) {}

  /** Loads every file of the bundle; a missing bundle is an input error saying how to build it. */
  static async load(dir = appDir()): Promise<StaticAssets> {
    const names = await readdir(dir).catch(() => undefined);
    if (!names?.includes('index.html')) {
      throw inputError('E_UI_NOT_BUILT', `the web UI's files are missing (${join(dir, 'index.html')})`, {
        hint: 'Run `npm run build` in the qlf package; it bundles the app into dist/ui/app/.',
      });
    }
    const assets = new Map<string, Asset>();
    for (const name of names) {
      const type = TYPES[name.slice(name.lastIndexOf('.'))];
      if (!type) continue;
      const body = await readFile(join(dir, name));
      const etag = `"${sha256(body).slice(0, 16)}"`;
      assets.set(name === 'index.html' ? '/' : `/assets/${name}`, {
        type,
        body,
        gzip: gzipSync(body, { level: 9 }),
        etag,
      });
    }
    return new StaticAssets(assets);
  }

  /** Bytes of each served file, raw and gzipped: the page weight. */
  sizes(): { path: string; bytes: number; gzip: number }[] {
    return [...this.assets].map(([path, asset]) => ({ path, bytes: asset.body.length, gzip: asset.gzip.length }));
  }

  /** Answers `req` when it asks for an asset; false when the path is not one. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const asset = this.assets.get(path === '/index.html' ? '/' : path);
    if (!asset) return false;
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    // Revalidated on every load (names carry no hash), answered with 304 while unchanged.
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, { etag: asset.etag });
      res.end();
      return true;
    }
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': 'no-cache',
      etag: asset.etag,
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...(asset.type.startsWith('text/html') ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {}),
    };
    sendBytes(res, 200, gzip ? asset.gzip : asset.body, headers);
    return true;
  }
}
