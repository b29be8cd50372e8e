// `qlf watch` as a user runs it: the built CLI in a temporary workspace, edited while it watches.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, TEAM_OVERLAY, type Workspace } from '../bench/workspace.js';
import { packagePath } from '../core/package-info.js';

const built = existsSync(packagePath('dist', 'cli', 'bin.js'));
const WAITING = 'qlf watch: waiting for changes';

const brief = (name: string, description: string) =>
  `apiVersion: qlf.dev/v1\nkind: Brief\nname: ${name}\ndescription: ${description}\n`;

const title = built ? 'qlf watch' : 'qlf watch (skipped: no dist/cli/bin.js; run `npm run build`)';

describe.skipIf(!built)(title, () => {
  let ws: Workspace;
  let child: ChildProcess;
  let output = '';

  /** Waits until the output after `from` holds `count` "waiting" lines; returns that part. Bounded by `ms`. */
  const waitForRun = async (from: number, count = 1, ms = 40_000): Promise<string> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const part = output.slice(from);
      if (part.split(WAITING).length - 1 >= count) return part;
      if (child.exitCode !== null) throw new Error(`qlf watch exited (${child.exitCode}):\n${output}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`timed out waiting for a run; output so far:\n${output}`);
  };

  beforeAll(async () => {
    ws = await createWorkspace({
      briefs: [
        { name: 'alpha', text: brief('alpha', 'A library where members borrow books.') },
        { name: 'beta', text: brief('beta', 'A clinic where patients book appointments.') },
      ],
    });
    child = spawn(process.execPath, [packagePath('bin', 'qlf.js'), 'watch', '--stage', 'generate'], {
      cwd: ws.root,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await ws?.dispose();
  });

  it('runs every brief first', async () => {
    const initial = await waitForRun(0);
    expect(initial).toContain('alpha:compile');
    expect(initial).toContain('beta:compile');
  });

  it('re-runs only the edited brief', async () => {
    const from = output.length;
    await ws.write('briefs/alpha/brief.qlf.yaml', brief('alpha', 'A library where members borrow and return books.'));
    const rerun = await waitForRun(from);
    expect(rerun).toContain('running alpha');
    expect(rerun).toContain('alpha:compile');
    expect(rerun).not.toContain('beta');
  });

  it('prints an error for a broken brief, keeps watching, and recovers', async () => {
    let from = output.length;
    await ws.write(
      'briefs/beta/brief.qlf.yaml',
      'apiVersion: qlf.dev/v1\nkind: Brief\nname: beta\ndescription: [oops\n',
    );
    const broken = await waitForRun(from);
    expect(broken).toMatch(/error E_BRIEF_YAML|failed/);
    expect(child.exitCode).toBeNull();
    from = output.length;
    await ws.write('briefs/beta/brief.qlf.yaml', brief('beta', 'A clinic where patients book visits.'));
    const fixed = await waitForRun(from);
    expect(fixed).toMatch(/✔ beta:compile/);
  });

  it('picks up a brief added while watching', async () => {
    const from = output.length;
    await ws.write('briefs/gamma/brief.qlf.yaml', brief('gamma', 'A gym where members book classes.'));
    const added = await waitForRun(from);
    expect(added).toMatch(/✔ gamma:compile/);
    expect(existsSync(`${ws.root}/dist/qlf/gamma/ir.json`)).toBe(true);
  });

  it('re-runs only the users of an edited workspace overlay', async () => {
    await ws.write(
      'briefs/beta/brief.qlf.yaml',
      `${brief('beta', 'A clinic where patients book visits.')}overlays: [team-audit]\n`,
    );
    await waitForRun(output.length);
    const from = output.length;
    await ws.write('overlays/team-audit.yaml', TEAM_OVERLAY.replace('auditLog: true', 'auditLog: true\n  tls: true'));
    const rerun = await waitForRun(from);
    expect(rerun).toContain('running beta');
    expect(rerun).not.toMatch(/alpha|gamma/);
  });

  it('re-runs the brief whose working copy was edited, and not again for the files its own merge writes', async () => {
    let from = output.length;
    await ws.write('briefs/alpha/service/app/mine.py', 'VALUE = 1\n');
    const rerun = await waitForRun(from);
    expect(rerun).toContain('briefs/alpha/service/app/mine.py changed: running alpha');
    expect(rerun).not.toMatch(/beta|gamma/);
    // A brief change makes the merge write the working copy: one run, no run after it for those writes.
    from = output.length;
    await ws.write(
      'briefs/alpha/brief.qlf.yaml',
      brief('alpha', 'A library where members borrow, return and renew books.'),
    );
    const merged = await waitForRun(from);
    expect(merged).toContain('✔ alpha:generate');
    const after = output.length;
    await new Promise((done) => setTimeout(done, 1500));
    expect(output.slice(after)).toBe('');
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 15_000)),
    ]);
    expect(code).toBe(0);
  });
});
