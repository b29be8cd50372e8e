// The browser and the server the web UI's end-to-end test drives: Debian's Chromium, headless, through
// playwright-core (no browser download), and the built `qlf ui` as a child process, as a user starts it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { packagePath } from '../core/package-info.js';

export const CHROMIUM = process.env.QLF_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser test cannot run here, or '' when it can. */
export function browserTestBlocker(): string {
  if (!existsSync(packagePath('dist', 'ui', 'app', 'app.js'))) return 'dist/ui/app is missing: run `npm run build`';
  if (!existsSync(packagePath('dist', 'cli', 'commands', 'ui.js'))) return 'dist/ is missing: run `npm run build`';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  return '';
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface UiProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts the built `qlf ui --port 0` in `cwd` and waits for the address it prints. */
export function startQlfUi(cwd: string, env: NodeJS.ProcessEnv = {}): Promise<UiProcess> {
  const child = spawn(process.execPath, [packagePath('bin', 'qlf.js'), 'ui', '--port', '0'], {
    cwd,
    env: { ...process.env, CI: '1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qlf ui printed no address:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /qlf ui: (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`qlf ui exited (${code}):\n${output}`));
    });
  });
}

/** Where the test writes a screenshot of each page, for a reviewer to look at. */
export const SCREENSHOTS = packagePath('test-results', 'ui');

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Records in the page every state each task node of the graph shows (`data-status` of `[data-task]`), in order, as
 * the page changes them: the graph element stays the same throughout, so these are live updates, not reloads.
 */
export async function recordTaskStates(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const seen = {};
    window.qlfSeenStates = seen;
    const record = (node) => {
      const id = node.getAttribute('data-task');
      const status = node.getAttribute('data-status');
      const list = (seen[id] = seen[id] || []);
      if (list[list.length - 1] !== status) list.push(status);
    };
    document.querySelectorAll('[data-task]').forEach(record);
    new MutationObserver((mutations) => {
      for (const m of mutations) if (m.target.hasAttribute && m.target.hasAttribute('data-task')) record(m.target);
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  })()`);
}

/** What {@link recordTaskStates} saw so far, by task id. */
export function recordedTaskStates(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate('window.qlfSeenStates') as Promise<Record<string, string[]>>;
}
