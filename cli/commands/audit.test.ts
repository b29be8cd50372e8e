// `qlf audit` in-process through `main`: newest first across rotated files, --since, --brief, --limit, --json, a torn
// line skipped, and a bad --since.
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../../executors/deploy/fixtures/fake-kube-api.js';
import type { AuditRecord } from '../../observability/audit/index.js';
import { runQlf } from '../testing/run-qlf-in-process.js';

let ws: string;
let log: string;
beforeEach(async () => {
  ws = await mkdtemp(join(tmpdir(), 'qlf-audit-cli-'));
  log = join(ws, '.qlf', 'audit', 'audit.jsonl');
  await mkdir(join(ws, '.qlf', 'audit'), { recursive: true });
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

const DAY = 86_400_000;

function record(id: string, daysAgo: number, brief: string, extra: Partial<AuditRecord> = {}): AuditRecord {
  const startedAt = new Date(Date.now() - daysAgo * DAY);
  return {
    v: 1,
    id,
    command: 'run',
    startedAt: startedAt.toISOString(),
    endedAt: new Date(startedAt.getTime() + 1500).toISOString(),
    durationMs: 1500,
    qlfVersion: '0.1.0',
    who: { source: 'git', name: 'Ada', email: 'ada@example.com' },
    outcome: 'success',
    briefs: [
      {
        name: brief,
        stages: [
          { stage: 'compile', hash: 'h1', status: 'cached', cache: 'local' },
          { stage: 'package', hash: 'h2', status: 'success' },
        ],
        ran: ['package'],
        cached: ['compile'],
        failed: [],
        skipped: [],
      },
    ],
    capsules: [{ brief, file: `${brief}.qlcapsule`, digest: `sha256:${'ab'.repeat(32)}` }],
    deploys: [],
    ...extra,
  };
}

const line = (value: AuditRecord) => `${JSON.stringify(value)}\n`;

beforeEach(async () => {
  // Oldest in the rotated file, then the live log with a torn line a crash left.
  await writeFile(`${log}.1`, line(record('old', 30, 'shop')) + line(record('week', 6, 'pay')));
  await writeFile(
    log,
    line(
      record('deploy', 2, 'shop', {
        command: 'deploy',
        deploys: [{ brief: 'shop', namespace: 'shop', context: 'kind-qlf', outcome: 'applied', dryRun: false }],
      }),
    ) + '{"v":1,"id":"torn","comm\n',
  );
  await appendFile(log, line(record('new', 0, 'pay', { outcome: 'failed', who: { source: 'ci', name: 'octocat' } })));
});

const ids = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((text) => (JSON.parse(text) as AuditRecord).id);

describe('qlf audit', () => {
  it('prints one line per record, newest first, across the log and its rotations', async () => {
    const result = await runQlf(ws, ['audit']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:]+Z {2}octocat {2}run {2}failed {2}pay\[ran package; cached compile\]/,
    );
    expect(lines[0]).toContain(`capsule pay@${'ab'.repeat(6)}`);
    expect(lines[1]).toContain('deploy  success  shop[');
    expect(lines[1]).toContain('→ shop applied (ns shop, ctx kind-qlf)');
    expect(result.stderr).toContain('skipped 1 unreadable line(s)');
  });

  it('--json prints the records as JSON lines', async () => {
    const result = await runQlf(ws, ['audit', '--json']);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(['new', 'deploy', 'week', 'old']);
  });

  it('--since takes an age or a date', async () => {
    expect(ids((await runQlf(ws, ['audit', '--since', '7d', '--json'])).stdout)).toEqual(['new', 'deploy', 'week']);
    expect(ids((await runQlf(ws, ['audit', '--since', '3d', '--json'])).stdout)).toEqual(['new', 'deploy']);
    const date = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    expect(ids((await runQlf(ws, ['audit', '--since', date, '--json'])).stdout)).toEqual(['new', 'deploy', 'week']);
  });

  it('--brief and --limit narrow the records', async () => {
    expect(ids((await runQlf(ws, ['audit', '--brief', 'shop', '--json'])).stdout)).toEqual(['deploy', 'old']);
    expect(ids((await runQlf(ws, ['audit', '--brief', 'pay', '--limit', '1', '--json'])).stdout)).toEqual(['new']);
    const none = await runQlf(ws, ['audit', '--brief', 'nothing']);
    expect(none.stdout.trim()).toBe('No audit records match.');
  });

  it('a bad --since is a usage error naming the accepted forms', async () => {
    const result = await runQlf(ws, ['audit', '--since', 'last tuesday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since "last tuesday" is neither an age nor a date');
    expect(result.stderr).toContain('30m, 12h, 7d, 2w');
    expect(result.stderr).toContain('2026-11-01');
  });

  it('says where it looked when there is no log', async () => {
    await rm(join(ws, '.qlf'), { recursive: true });
    const result = await runQlf(ws, ['audit']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No audit log at');
  });

  it('records what qlf preview gc and down did, without the cluster token', async () => {
    const fake = await FakeKubeApi.start({ token: 'sekrit-bearer-token' });
    try {
      const kubeconfig = join(ws, 'kubeconfig');
      await writeFile(kubeconfig, fake.kubeconfigYaml({ context: 'staging' }));
      const labels = { 'qlf.dev/preview': 'true', 'app.kubernetes.io/managed-by': 'qlf', 'qlf.dev/preview-of': 'shop' };
      fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-a-1', labels } }, 'qlf');
      const expired = { ...labels, 'qlf.dev/expires': '1' };
      fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-b-2', labels: expired } }, 'qlf');
      expect((await runQlf(ws, ['preview', 'gc', '--kubeconfig', kubeconfig])).code).toBe(0);
      const down = ['preview', 'down', '--namespace', 'shop-a-1', '--kubeconfig', kubeconfig];
      expect((await runQlf(ws, down)).code).toBe(0);
      expect((await runQlf(ws, down)).code).toBe(1); // gone now: E_PREVIEW_NOT_FOUND

      const result = await runQlf(ws, ['audit', '--json', '--limit', '3']);
      expect(result.stdout).not.toContain('sekrit');
      const records = result.stdout
        .trim()
        .split('\n')
        .map((text) => JSON.parse(text) as AuditRecord);
      const target = { context: 'staging', cluster: 'fake', server: `${fake.url}/` };
      expect(
        records.map(({ command, action, outcome, deploys, error }) => ({ command, action, outcome, deploys, error })),
      ).toEqual([
        {
          command: 'preview',
          action: 'down',
          outcome: 'error',
          deploys: [{ namespace: 'shop-a-1', ...target, dryRun: false, outcome: 'failed' }],
          error: { code: 'E_PREVIEW_NOT_FOUND', message: expect.stringContaining('shop-a-1') },
        },
        {
          command: 'preview',
          action: 'down',
          outcome: 'success',
          deploys: [{ namespace: 'shop-a-1', ...target, dryRun: false, outcome: 'deleted' }],
          error: undefined,
        },
        {
          command: 'preview',
          action: 'gc',
          outcome: 'success',
          deploys: [{ brief: 'shop', namespace: 'shop-b-2', ...target, dryRun: false, outcome: 'deleted' }],
          error: undefined,
        },
      ]);
    } finally {
      await fake.close();
    }
  });

  it('records a qlf deploy that had nothing to deploy', async () => {
    await rm(join(ws, '.qlf'), { recursive: true });
    const deploy = await runQlf(ws, ['deploy']);
    expect(deploy.stdout).toContain('No briefs matched');
    const [record] = (await runQlf(ws, ['audit', '--json'])).stdout.trim().split('\n');
    expect(JSON.parse(record as string)).toMatchObject({
      command: 'deploy',
      outcome: 'success',
      briefs: [],
      deploys: [],
    });
  });
});
