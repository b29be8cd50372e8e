// Temporary qlf + Nx workspaces for the benchmark and the end-to-end tests: briefs, a workspace overlay, qlf.config.ts,
// nx.json with the qlf plugin, and a node_modules whose entries link to this package's (with `qlf` linking here).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packagePath, packageRoot } from '../core/package-info.js';

export interface BriefFile {
  /** Folder under `briefs/`, and the brief's name. */
  name: string;
  text: string;
}

export interface Workspace {
  root: string;
  /** Writes (or replaces) a file, path relative to the root. */
  write(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
  dispose(): Promise<void>;
}

/** The workspace overlay the synthetic briefs use: every 10th brief names it. */
export const TEAM_OVERLAY = `apiVersion: qlf.dev/v1
kind: Overlay
name: team-audit
version: 1.0.0
type: compliance
description: 'House rule: every service keeps an audit trail.'
priority: 30
controls:
  auditLog: true
`;

const DOMAINS = [
  ['library', 'members borrow books and librarians track loans and late returns'],
  ['clinic', 'receptionists book appointments for patients with doctors'],
  ['fleet', 'dispatchers assign vehicles to drivers and record trips'],
  ['school', 'teachers record grades for students in courses'],
  ['events', 'organisers publish events and attendees buy tickets'],
  ['inventory', 'warehouse staff track products, stock levels and suppliers'],
  ['support', 'agents answer tickets that customers open about orders'],
  ['recipes', 'cooks share recipes with ingredients and ratings'],
  ['gym', 'members book classes that trainers run in rooms'],
  ['payroll', 'accountants pay employees salaries every month'],
] as const;

/** `count` briefs with varied descriptions and overlays; some `uses` an earlier one. Same count → same bytes. */
export function syntheticBriefs(count: number): BriefFile[] {
  const briefs: BriefFile[] = [];
  for (let i = 0; i < count; i += 1) {
    const [domain, story] = DOMAINS[i % DOMAINS.length] ?? DOMAINS[0];
    const name = `${domain}-${String(i).padStart(4, '0')}`;
    const overlays = [...(i % 10 === 3 ? ['team-audit'] : []), ...(i % 25 === 5 ? ['gdpr'] : [])];
    const previous = briefs[i - 1];
    const uses = i % 7 === 6 && previous ? [previous.name] : [];
    const lines = [
      'apiVersion: qlf.dev/v1',
      'kind: Brief',
      `name: ${name}`,
      'description: >-',
      `  A ${domain} service (number ${i}) where ${story}.`,
      `  It keeps a history of changes and lists records page by page.`,
      ...(overlays.length > 0 ? [`overlays: [${overlays.join(', ')}]`] : []),
      ...(uses.length > 0 ? [`uses: [${uses.join(', ')}]`] : []),
      '',
    ];
    briefs.push({ name, text: lines.join('\n') });
  }
  return briefs;
}

/** A node_modules holding links to every package qlf has, plus `qlf` itself. */
function linkNodeModules(root: string): void {
  const source = join(packageRoot(), 'node_modules');
  const target = join(root, 'node_modules');
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source)) {
    if (entry === 'qlf') continue;
    symlinkSync(join(source, entry), join(target, entry));
  }
  symlinkSync(packageRoot(), join(target, 'qlf'));
}

export interface CreateWorkspaceOptions {
  briefs: BriefFile[];
  /** Put the workspace in a git repository with one commit. @default false */
  git?: boolean;
  /** Folder the briefs go in, `<folder>/<name>/brief.qlf.yaml`. @default 'briefs' */
  folder?: string;
  /** Settings added to the workspace's `qlf.config.ts` (plain data). @default {} */
  config?: Record<string, unknown>;
}

/** The bundled examples (`examples/<name>/brief.qlf.yaml`), for a workspace of their own. */
export function exampleBriefs(): BriefFile[] {
  const dir = packagePath('examples');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'brief.qlf.yaml')))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name, 'brief.qlf.yaml'), 'utf8') }));
}

export async function createWorkspace(options: CreateWorkspaceOptions): Promise<Workspace> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'qlf-ws-')));
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  linkNodeModules(root);
  await write('package.json', `${JSON.stringify({ name: 'qlf-bench-workspace', private: true }, null, 2)}\n`);
  await write('.gitignore', 'node_modules\ndist\n.nx\n.qlf\n');
  const folder = options.folder ?? 'briefs';
  const config = { briefs: [`${folder}/**/brief.qlf.yaml`], outDir: 'dist/qlf', overlays: { dirs: ['overlays'] } };
  await write('qlf.config.ts', `export default ${JSON.stringify({ ...config, ...options.config })};\n`);
  await write(
    'nx.json',
    `${JSON.stringify({ neverConnectToCloud: true, useDaemonProcess: false, plugins: ['qlf/plugin'] }, null, 2)}\n`,
  );
  await write('overlays/team-audit.yaml', TEAM_OVERLAY);
  for (const brief of options.briefs) await write(`${folder}/${brief.name}/brief.qlf.yaml`, brief.text);
  if (options.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.email=bench@qlf.invalid', '-c', 'user.name=bench', 'commit', '-q', '-m', 'workspace');
  }
  return {
    root,
    write,
    remove: (path) => rm(join(root, path), { recursive: true, force: true }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
