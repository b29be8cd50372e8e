// The real `nx` CLI on a workspace with bad briefs: each is reported in its own file, at its line, with the fix, instead
// of Nx's generic "defined in multiple locations" or "implicitDependencies point to non-existent project(s)".
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../bench/workspace.js';
import { packagePath } from '../core/package-info.js';

const run = promisify(execFile);
const built = existsSync(packagePath('dist', 'nx', 'plugin.js'));
const brief = (name: string, extra = '') =>
  `apiVersion: qlf.dev/v1\nkind: Brief\nname: ${name}\ndescription: Stores card payments.\n${extra}`;

describe.skipIf(!built)('nx with bad briefs', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace({
      briefs: [
        { name: 'payments', text: brief('payments') },
        { name: 'twin-a', text: brief('twin') },
        { name: 'twin-b', text: brief('twin') },
        { name: 'typo', text: brief('typo', 'uses:\n  - paymnets\n') },
        { name: 'evil', text: brief('../../evil') },
      ],
    });
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('reports every bad brief with its file, line, code and fix', { timeout: 120_000 }, async () => {
    const env = {
      ...process.env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      CI: 'true',
      FORCE_COLOR: '0',
    };
    const failure = await run(join(ws.root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
      cwd: ws.root,
      env,
      timeout: 110_000,
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    // Nx stops a command while a plugin reports errors; the messages are qlf's, one per bad file.
    expect(failure?.code).toBe(1);
    const stderr = failure?.stderr ?? '';
    expect(stderr).toContain('3 errors occurred while processing files for the qlf/plugin plugin');
    expect(stderr).toContain('briefs/twin-b/brief.qlf.yaml:3:7: E_BRIEF_DUPLICATE two briefs are named "twin"');
    expect(stderr).toContain('briefs/typo/brief.qlf.yaml:6:5: E_GRAPH_UNKNOWN_USES brief "typo" uses "paymnets"');
    expect(stderr).toContain('briefs/evil/brief.qlf.yaml:3:7: E_BRIEF_NAME name "../../evil" is not a DNS-1123 label');
    expect(stderr.match(/fix: /g)).toHaveLength(3);
    expect(stderr).not.toMatch(/multiple locations|non-existent project/);
  });
});
