// Building and writing a run's audit record: briefs with task hashes per stage, capsule digests, deploy targets and
// errors without credentials, and a failing write that is only a warning.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workError } from '../../core/errors.js';
import type { TaskResult } from '../../graph/events.js';
import { configSchema } from '../../schemas/config.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { startAudit } from './audit-session.js';
import { readAuditLog } from './reader.js';
import { auditRecordSchema } from './record.js';
import { recordRun } from './record-run.js';
import { redactText, safeUrl } from './redact.js';

let root: string;
let config: ResolvedConfig;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qlf-audit-record-'));
  // A copy: zod hands out its default objects themselves, and one test switches the audit log off.
  const parsed = structuredClone(configSchema.parse({}));
  config = { ...parsed, root, outDir: join(root, 'out') } as ResolvedConfig;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const CI = {
  GITHUB_ACTOR: 'octocat',
  GITHUB_RUN_ID: '99',
  GITHUB_TOKEN: 'ghp_abcdefSECRET',
  AWS_SECRET_ACCESS_KEY: 'k',
};

function task(brief: string, stage: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult {
  return {
    id: `${brief}:${stage}`,
    brief,
    stage: stage as TaskResult['stage'],
    hash: status === 'skipped' ? null : `${stage}-hash`,
    status,
    cache: status === 'cached' ? 'local' : null,
    durationMs: 1,
    savedMs: 0,
    terminalOutput: '',
    attempts: 1,
    ...extra,
  };
}

const totals = (tasks: TaskResult[]) => ({
  tasks: tasks.length,
  success: tasks.filter((t) => t.status === 'success').length,
  cached: tasks.filter((t) => t.status === 'cached').length,
  failed: tasks.filter((t) => t.status === 'failed').length,
  skipped: tasks.filter((t) => t.status === 'skipped').length,
  durationMs: 5,
  savedMs: 0,
  remoteCached: 0,
  skippedChecks: 0,
});

describe('recordRun', () => {
  it('records briefs with their stage hashes, what ran, came from the cache or failed, and capsule digests', async () => {
    const manifest = '{"name":"shop","signature":{"signed":false}}';
    await mkdir(join(root, 'out', 'shop', 'package'), { recursive: true });
    await writeFile(join(root, 'out', 'shop', 'package', 'manifest.json'), manifest);
    await writeFile(join(root, 'out', 'shop', 'package', 'shop.qlcapsule'), 'capsule bytes');
    const tasks = [
      task('shop', 'compile', 'cached'),
      task('shop', 'generate', 'success'),
      task('shop', 'package', 'success'),
      task('pay', 'compile', 'failed', { errorCode: 'E_BRIEF_SCHEMA' }),
      task('pay', 'generate', 'skipped'),
    ];
    const startedAt = new Date('2026-11-02T10:00:00.000Z');
    const written = await recordRun({
      config,
      command: 'run',
      result: { tasks, totals: totals(tasks), interrupted: false },
      startedAt,
      env: CI,
    });
    expect(written).toEqual({ file: join(root, '.qlf', 'audit', 'audit.jsonl'), written: true });
    const text = await readFile(written.file as string, 'utf8');
    const record = auditRecordSchema.parse(JSON.parse(text));
    expect(record).toMatchObject({
      command: 'run',
      startedAt: '2026-11-02T10:00:00.000Z',
      who: { source: 'ci', name: 'octocat', ci: 'github', runId: '99' },
      outcome: 'failed',
      totals: { tasks: 5, ran: 2, cached: 1, failed: 1, skipped: 1 },
    });
    expect(record.briefs).toEqual([
      {
        name: 'shop',
        stages: [
          { stage: 'compile', hash: 'compile-hash', status: 'cached', cache: 'local' },
          { stage: 'generate', hash: 'generate-hash', status: 'success' },
          { stage: 'package', hash: 'package-hash', status: 'success' },
        ],
        ran: ['generate', 'package'],
        cached: ['compile'],
        failed: [],
        skipped: [],
      },
      {
        name: 'pay',
        stages: [
          { stage: 'compile', hash: 'compile-hash', status: 'failed', errorCode: 'E_BRIEF_SCHEMA' },
          { stage: 'generate', hash: null, status: 'skipped' },
        ],
        ran: [],
        cached: [],
        failed: ['compile'],
        skipped: ['generate'],
      },
    ]);
    const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
    expect(record.capsules).toEqual([
      { brief: 'shop', file: 'shop.qlcapsule', digest: sha(manifest), fileDigest: sha('capsule bytes'), signed: false },
    ]);
    expect(text).not.toMatch(/SECRET|ghp_/);
  });

  it('records the capsule of a brief the deploy command kept only the deploy task of', async () => {
    await mkdir(join(root, 'out', 'shop', 'package'), { recursive: true });
    await writeFile(join(root, 'out', 'shop', 'package', 'manifest.json'), '{}');
    const audit = startAudit('deploy', { env: {} });
    audit.useConfig(config);
    audit.useTasks([task('shop', 'deploy', 'cached'), task('pay', 'deploy', 'failed')]);
    expect(
      await audit.around(
        async () => 0,
        () => {},
      ),
    ).toBe(0);
    const [record] = (await readAuditLog(join(root, '.qlf', 'audit', 'audit.jsonl'))).records;
    expect(record?.capsules.map(({ brief, file }) => ({ brief, file }))).toEqual([
      { brief: 'shop', file: 'manifest.json' },
    ]);
  });

  it('keeps credentials out: URLs lose user info and query, error messages are cleaned', async () => {
    const audit = startAudit('deploy', { env: CI });
    audit.useConfig(config);
    audit.target({
      brief: 'shop',
      namespace: 'shop',
      server: 'https://admin:hunter2@k8s.example.com:6443/?token=abc',
      url: 'https://bob:pw@shop.example.com/path?session=xyz#frag',
    });
    const failure = workError('E_KUBE_APPLY', 'apply to https://admin:hunter2@k8s.example.com/api?token=abc failed');
    await expect(
      audit.around(
        () => Promise.reject(failure),
        () => {},
      ),
    ).rejects.toBe(failure);
    const text = await readFile(join(root, '.qlf', 'audit', 'audit.jsonl'), 'utf8');
    expect(text).not.toMatch(/hunter2|admin|token=|session|bob|pw@|frag|ghp_/);
    const record = auditRecordSchema.parse(JSON.parse(text));
    expect(record.outcome).toBe('error');
    expect(record.error).toEqual({ code: 'E_KUBE_APPLY', message: 'apply to https://k8s.example.com/api failed' });
    expect(record.deploys).toEqual([
      {
        brief: 'shop',
        namespace: 'shop',
        server: 'https://k8s.example.com:6443/',
        url: 'https://shop.example.com/path',
        outcome: 'failed',
      },
    ]);
  });

  it('redactText masks secret assignments and long opaque tokens but keeps hex digests', () => {
    const digest = 'a'.repeat(64);
    expect(redactText(`password=hunter2 Authorization: Bearer ${'Zx9_'.repeat(12)} digest ${digest}`)).toBe(
      `password=*** Authorization: *** *** digest ${digest}`,
    );
    expect(safeUrl('not a url')).toBe('not a url');
  });

  it('writes nothing when observability.audit.enabled is false', async () => {
    config.observability.audit.enabled = false;
    expect(await recordRun({ config, command: 'watch', startedAt: new Date(), env: {} })).toEqual({ written: false });
    expect((await readAuditLog(join(root, '.qlf', 'audit', 'audit.jsonl'))).files).toEqual([]);
  });

  it('turns a failing write into a warning, never an error', async () => {
    await writeFile(join(root, '.qlf'), 'a file where the folder should be');
    const warnings: string[] = [];
    const result = await recordRun({
      config,
      command: 'run',
      startedAt: new Date(),
      env: {},
      warn: (line) => warnings.push(line),
    });
    expect(result.written).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/^warning: could not write the audit log /)]);
  });
});
