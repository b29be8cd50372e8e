// Opens a URL in the system's browser for `qlf ui --open`: the platform's opener when one is on PATH (`xdg-open`,
// `open`, `start` through cmd), else says none was found. The opener runs detached and is never waited for.
import { spawn } from 'node:child_process';
import { findExecutable, pathDirs } from '../../core/executables.js';

export type OpenResult = { ok: true; command: string } | { ok: false; reason: string };

/** The command that opens `url` on `platform`, when its program is on PATH. */
export function openerFor(
  url: string,
  platform: NodeJS.Platform = process.platform,
  dirs: readonly string[] = pathDirs(),
): { file: string; args: string[] } | undefined {
  if (platform === 'win32') return { file: 'cmd', args: ['/c', 'start', '""', url] };
  const names = platform === 'darwin' ? ['open'] : ['xdg-open', 'gio', 'sensible-browser', 'x-www-browser'];
  const file = findExecutable(names, dirs);
  if (!file) return undefined;
  return { file, args: file.endsWith('/gio') ? ['open', url] : [url] };
}

export function openBrowser(url: string): Promise<OpenResult> {
  const opener = openerFor(url);
  if (!opener) return Promise.resolve({ ok: false, reason: 'no xdg-open, gio or sensible-browser on PATH' });
  return new Promise((resolve) => {
    const child = spawn(opener.file, opener.args, { detached: true, stdio: 'ignore' });
    child.once('error', (error) => resolve({ ok: false, reason: error.message }));
    child.once('spawn', () => {
      child.unref();
      resolve({ ok: true, command: [opener.file, ...opener.args].join(' ') });
    });
  });
}
