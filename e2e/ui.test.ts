// End to end: the built `qlf ui` on a temp workspace with the `shop` example, driven in headless Chromium. Typing a
// description shows the overlays it suggests and the words they were read from; a YAML error is located; a save and a
// run from the pipeline page update the task graph live; a run in a terminal shows up when it ends; the outputs show
// the working copy, the verify report, a regeneration's diff and a signed capsule's provenance. Each page's
// screenshot goes to test-results/ui/.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.js';
import { packagePath } from '../core/package-info.js';
import { runPackage } from '../executors/package/package.js';
import { irSchema } from '../schemas/ir.js';
import type { VerifyReport } from '../schemas/verify-report.js';
import { runQlf, runQlfAsync } from './run-qlf.js';
import {
  browserTestBlocker,
  launchChromium,
  recordedTaskStates,
  recordTaskStates,
  SCREENSHOTS,
  screenshot,
  startQlfUi,
  type UiProcess,
} from './ui-browser.js';

const blocker = browserTestBlocker();
if (blocker) console.warn(`skipped: ${blocker}`);

const BRIEF = 'briefs/shop/brief.qlf.yaml';
const START = [
  'apiVersion: qlf.dev/v1',
  'kind: Brief',
  'name: shop',
  'description: An online shop for a small coffee roaster.',
  '',
].join('\n');
const SENTENCE = ' Customers pay by card, so the payment API must be PCI-compliant with fraud detection.';

describe.skipIf(blocker !== '')('qlf ui in a browser', () => {
  let root = '';
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  const shots: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-e2e-ui-'));
    await mkdir(join(root, 'briefs', 'shop'), { recursive: true });
    await cp(packagePath('examples', 'shop', 'brief.qlf.yaml'), join(root, BRIEF));
    const config = { briefs: ['briefs/**/brief.qlf.yaml'], package: { signingKey: 'keys/qlf-signing.key' } };
    await writeFile(join(root, 'qlf.config.json'), `${JSON.stringify(config)}\n`);
    expect(runQlf(root, ['keys', 'generate', '--out', 'keys']).code).toBe(0);
    [ui, browser] = await Promise.all([startQlfUi(root), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => errors.push(error.message));
    console.log(`qlf ui e2e: screenshots in ${SCREENSHOTS}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    if (root) await rm(root, { recursive: true, force: true });
    if (shots.length > 0) console.log(`qlf ui e2e screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}`);
  });

  const shoot = async (name: string) => shots.push(await screenshot(page, name));

  it('lists the briefs with a status per stage', async () => {
    await page.goto(ui.url);
    const row = page.locator('tr[data-brief="shop"]');
    await row.locator('.status').nth(5).waitFor();
    expect(await row.locator('.status').count()).toBe(6);
    expect(await row.locator('.status').allTextContents()).toEqual(Array(6).fill('not run'));
    await shoot('briefs');
  });

  it('previews the overlays a typed description suggests, and points at the words they were read from', async () => {
    await page.goto(`${ui.url}#/edit?file=${encodeURIComponent(BRIEF)}`);
    const editor = page.locator('.cm-content');
    await editor.waitFor();
    await page.locator('.ir-preview').waitFor();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(START);
    await page.locator('.save-state', { hasText: 'modified' }).waitFor();
    await expect.poll(() => page.locator('[data-overlay="pci"]').count(), { timeout: 5_000 }).toBe(0);
    // Type at the end of the description, as a person would.
    await page.keyboard.press('ControlOrMeta+Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.type(SENTENCE, { delay: 2 });
    const pci = page.locator('[data-overlay="pci"]');
    await pci.waitFor({ timeout: 15_000 });
    expect(await pci.textContent()).toMatch(/pci\s*\d+%/);
    await pci.locator('button.span-link').first().click();
    const highlighted = await page.locator('.cm-read-from').first().textContent();
    expect(highlighted?.toLowerCase()).toContain('pci');
    await shoot('editor-overlays');
  });

  it('locates a YAML error in the editor and in the problem list', async () => {
    await page.locator('.cm-content').focus();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('stack: {database: postgresql\napi:\n  auth: jwt\n');
    // The flow mapping opened on line 5 is still open where line 6 starts.
    const problem = page.locator('.problems li').first();
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.locator('button.locate').textContent()).toBe('line 6:1');
    expect(await problem.textContent()).toContain('E_BRIEF_YAML');
    await page.locator('.cm-lintRange-error').first().waitFor();
    await page.locator('.cm-lint-marker-error').first().waitFor();
    await shoot('editor-error');
    // Take the error out again: the preview compiles once more.
    await page.keyboard.press('ControlOrMeta+z');
    await expect
      .poll(async () => (await page.locator('.cm-content').textContent())?.includes('stack: {'), { timeout: 5_000 })
      .toBe(false);
    await page.locator('.problems').waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('saves atomically, and offers a reload when the file changes on disk', async () => {
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.save-state', { hasText: 'saved' }).waitFor();
    const saved = await readFile(join(root, BRIEF), 'utf8');
    expect(saved).toContain(SENTENCE.trim());
    await writeFile(join(root, BRIEF), `${saved}# edited outside the UI\n`);
    const banner = page.locator('.banner');
    await banner.waitFor({ timeout: 30_000 });
    await shoot('editor-changed-on-disk');
    await banner.getByRole('button', { name: 'Reload from disk' }).click();
    await expect.poll(() => page.locator('.cm-content').textContent()).toContain('# edited outside the UI');
  });

  it('runs a brief and shows each task change state live in the graph', async () => {
    await page.goto(`${ui.url}#/pipeline`);
    await page.locator('[data-task="shop:generate"]').waitFor();
    await recordTaskStates(page);
    await page.locator('select[name="brief"]').selectOption('shop');
    await page.locator('select[name="stage"]').selectOption('generate');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('.run-summary', { hasText: 'Last run' }).waitFor({ timeout: 60_000 });
    const seen = await recordedTaskStates(page);
    expect(seen['shop:compile']).toEqual(expect.arrayContaining(['running', 'success']));
    expect(seen['shop:generate']).toEqual(expect.arrayContaining(['running', 'success']));
    expect(seen['shop:generate']?.indexOf('running')).toBeLessThan(seen['shop:generate']?.indexOf('success') ?? -1);
    await page.locator('[data-task="shop:generate"]').click();
    await page.locator('.task-details pre.log', { hasText: 'generated' }).waitFor();
    await shoot('pipeline');
    // By keyboard: the graph's tasks are in the tab order and open with Enter.
    await page.goto(`${ui.url}#/pipeline`);
    await page.reload();
    await page.locator('[data-task="shop:compile"]').waitFor();
    let reached = '';
    for (let i = 0; i < 20 && reached === ''; i++) {
      await page.keyboard.press('Tab');
      reached = String(await page.evaluate('document.activeElement?.getAttribute("data-task") ?? ""'));
    }
    expect(reached).toBe('shop:compile');
    await page.keyboard.press('Enter');
    await page.locator('.task-details h2', { hasText: 'shop:compile' }).waitFor();
  });

  it('shows the statuses a run in a terminal records when it ends', async () => {
    await page.goto(`${ui.url}#/pipeline?task=shop:compile`);
    await page.locator('[data-task="shop:compile"][data-status="success"]').waitFor();
    const run = await runQlfAsync(root, ['run', '--stage', 'generate']);
    expect(run.code, run.stderr).toBe(0);
    await page.locator('[data-task="shop:compile"][data-status="cached"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-task="shop:compile"]').getAttribute('aria-label')).toMatch(/cached/);
    await page.locator('.task-details .status-cached').waitFor({ timeout: 30_000 });
    await shoot('pipeline-terminal-run');
  });

  it('shows the working copy, the verify report and what a regeneration would change', async () => {
    // A report as the verify stage publishes it: a finding with its place, and a check it could not run.
    const report: VerifyReport = {
      name: 'shop',
      passed: true,
      strict: false,
      runners: [
        { runner: 'pytest', status: 'passed', stats: { passed: 12 } },
        { runner: 'bandit', status: 'skipped', reason: 'bandit not installed', stats: {} },
      ],
      findings: [
        { runner: 'lint', rule: 'E501', severity: 'warning', message: 'line too long', file: 'app/main.py', line: 3 },
      ],
    };
    await mkdir(join(root, 'dist/qlf/shop/verify'), { recursive: true });
    await writeFile(join(root, 'dist/qlf/shop/verify/report.json'), canonicalJson(report));
    await page.goto(`${ui.url}#/outputs?brief=shop&tab=verify`);
    await page.getByRole('link', { name: 'app/main.py:3' }).click();
    await page.locator('.file-view .line.marked').waitFor();
    await shoot('outputs-files');
    await page.goto(`${ui.url}#/outputs?brief=shop&tab=verify`);
    await page.locator('td', { hasText: 'bandit not installed' }).waitFor();
    await shoot('outputs-verify');
    // The brief asks for more than the working copy has: the regeneration would change it.
    const brief = await readFile(join(root, BRIEF), 'utf8');
    await writeFile(
      join(root, BRIEF),
      brief.replace('coffee roaster.', 'coffee roaster. Each order has a tracking number.'),
    );
    await page.goto(`${ui.url}#/outputs?brief=shop&tab=regeneration`);
    await page.getByRole('button', { name: 'Show what a regeneration would change' }).click();
    await page.locator('.regeneration details').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.regeneration pre.diff .add').count()).toBeGreaterThan(0);
    await shoot('outputs-regeneration');
  });

  it("opens a signed capsule's provenance and checks it with the workspace's key", async () => {
    const ir = irSchema.parse(JSON.parse(await readFile(join(root, 'dist/qlf/shop/ir.json'), 'utf8')));
    const { capsule, fileName } = await runPackage(
      {
        ir,
        serviceDir: join(root, 'briefs/shop/service'),
        briefText: await readFile(join(root, BRIEF), 'utf8'),
        overlayFiles: [],
      },
      {
        qlfVersion: '0.1.0',
        strict: false,
        docs: ['overview'],
        sourceDateEpoch: 0,
        sbomGenerator: 'qlf',
        vulnScan: 'off',
        signingKey: { path: join(root, 'keys', 'qlf-signing.key') },
      },
    );
    await mkdir(join(root, 'dist/qlf/shop/package'), { recursive: true });
    await writeFile(join(root, 'dist/qlf/shop/package', fileName), capsule);
    await page.goto(`${ui.url}#/outputs?brief=shop&tab=capsule`);
    await page.locator('.provenance').waitFor({ timeout: 15_000 });
    expect(await page.locator('.provenance').textContent()).toContain('https://slsa.dev/provenance/v1');
    const checks = await page.locator('.checks li').allTextContents();
    expect(checks.find((c) => c.includes('signature'))).toMatch(/ok/);
    expect(checks.some((c) => c.includes('failed'))).toBe(false);
    expect(await page.locator('caption', { hasText: 'SBOM components' }).count()).toBe(1);
    await shoot('outputs-capsule');
    expect(errors).toEqual([]);
  });
});
