import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryDirOf } from '../../cache/entry-layout.js';
import { type RunEvent, type TaskResult, totalsOf } from '../../graph/events.js';
import type { StageName } from '../../graph/stages.js';
import { loadConfig, type ResolvedConfig } from '../../workspace/config.js';
import { RunCollector, runOutcome, taskOutcome } from './collector.js';
import { createMetricsRegistry, type QlfMetrics } from './registry.js';

const HASH = (n: number) => String(n).repeat(64).slice(0, 64);

function task(brief: string, stage: StageName, fields: Partial<TaskResult> = {}): TaskResult {
  return {
    id: `${brief}:${stage}`,
    brief,
    stage,
    hash: HASH(1),
    status: 'success',
    cache: null,
    durationMs: 1500,
    savedMs: 0,
    terminalOutput: '',
    attempts: 1,
    ...fields,
  };
}

describe('RunCollector', () => {
  let root: string;
  let config: ResolvedConfig;
  let metrics: QlfMetrics;

  const write = async (rel: string, value: unknown) => {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), typeof value === 'string' ? value : JSON.stringify(value));
  };
  /** Runs `results` through a collector as the engine reports them, then the run's end. */
  const feed = async (
    results: TaskResult[],
    options: { end?: boolean; interrupted?: boolean; whileRunning?: () => Promise<void> } = {},
  ) => {
    const collector = new RunCollector(metrics, { config });
    for (const { id, brief, stage, hash } of results) {
      if (hash) collector.onEvent({ type: 'task:start', id, brief, stage, hash });
    }
    await options.whileRunning?.();
    for (const result of results) collector.onEvent({ type: 'task:end', result });
    const end: RunEvent = { type: 'run:end', totals: totalsOf(results, 10), interrupted: options.interrupted ?? false };
    if (options.end !== false) collector.onEvent(end);
    await collector.finish();
    return metrics.registry.metrics();
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-metrics-'));
    await writeFile(join(root, 'qlf.config.json'), `${JSON.stringify({ llm: { budget: { limitUsd: 10 } } })}\n`);
    config = await loadConfig(root);
    metrics = createMetricsRegistry();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('counts tasks by stage and outcome, and times the tasks that ran', async () => {
    const text = await feed([
      task('shop', 'compile'),
      task('shop', 'generate', { status: 'cached', cache: 'local', hash: HASH(2) }),
      task('shop', 'verify', { status: 'cached', cache: 'remote', hash: HASH(3) }),
      task('shop', 'build', { status: 'failed' }),
      task('shop', 'package', { status: 'skipped', hash: null }),
    ]);
    expect(text).toContain('qlf_tasks_total{stage="compile",outcome="ran"} 1');
    expect(text).toContain('qlf_tasks_total{stage="generate",outcome="cache_hit_local"} 1');
    expect(text).toContain('qlf_tasks_total{stage="verify",outcome="cache_hit_remote"} 1');
    expect(text).toContain('qlf_tasks_total{stage="build",outcome="failed"} 1');
    expect(text).toContain('qlf_tasks_total{stage="package",outcome="skipped"} 1');
    expect(text).toContain('qlf_task_duration_seconds_count{stage="compile"} 1');
    expect(text).toContain('qlf_task_duration_seconds_sum{stage="compile"} 1.5');
    expect(text).not.toContain('qlf_task_duration_seconds_count{stage="generate"}');
    expect(text).toContain('qlf_runs_total{outcome="failed"} 1');
  });

  it('labels task metrics with the brief only when asked', async () => {
    metrics = createMetricsRegistry({ briefLabel: true });
    const text = await feed([task('shop', 'compile')]);
    expect(text).toContain('qlf_tasks_total{stage="compile",outcome="ran",brief="shop"} 1');
    expect(text).toContain('qlf_task_duration_seconds_count{stage="compile",brief="shop"} 1');
    expect(text).toContain('qlf_runs_total{outcome="success"} 1');
  });

  it('reads what generate, verify, build and package published', async () => {
    const out = (rel: string) => join('dist/qlf/shop', rel);
    await write(out('generated.lock.json'), {
      lockfileVersion: 1,
      name: 'shop',
      generator: { qlf: '0.1.0', provider: 'anthropic', model: 'claude-x' },
      files: { 'a.py': {}, 'b.py': {}, 'c.py': {} },
      ir: {},
    });
    const call = { agent: 'backend', provider: 'anthropic', model: 'claude-x', inputTokens: 1000, outputTokens: 200 };
    await write(out('llm-usage.json'), {
      provider: 'anthropic',
      model: 'claude-x',
      totalUsd: 0.05,
      calls: [
        { ...call, costUsd: 0.05, cached: false },
        { ...call, agent: 'tests', costUsd: 0, cached: true },
      ],
    });
    // The ledger's record of the answered call (its latency) and a record of another brief, written (now) as the task runs.
    const ledger = [
      {
        provider: 'anthropic',
        model: 'claude-x',
        inputTokens: 1000,
        outputTokens: 200,
        costUsd: 2.5,
        brief: 'shop',
        agent: 'backend',
        cached: false,
        latencyMs: 3200,
      },
      {
        provider: 'anthropic',
        model: 'claude-x',
        inputTokens: 1,
        outputTokens: 1,
        costUsd: 0,
        brief: 'other',
        agent: 'backend',
        cached: false,
        latencyMs: 10,
      },
    ];
    await write(out('build/build.json'), {
      image: { status: 'built', tag: 'qlf/shop:1', id: 'sha256:1', engine: 'podman' },
    });
    await write(out('package/shop.qlcapsule'), 'x'.repeat(12_345));
    await write(out('package/manifest.json'), '{}');

    const text = await feed(
      [
        task('shop', 'generate'),
        task('shop', 'verify', { status: 'failed' }),
        task('shop', 'build', { durationMs: 42_000 }),
        task('shop', 'package'),
        task('shop', 'deploy', { status: 'failed' }),
      ],
      {
        whileRunning: async () => {
          // Written while the task runs: a report older than the task is a stale one.
          await write(out('verify/report.json'), {
            name: 'shop',
            passed: false,
            strict: false,
            runners: [
              { runner: 'ruff', status: 'failed', stats: {} },
              { runner: 'pytest', database: 'postgresql', status: 'skipped', reason: 'no server', stats: {} },
            ],
            findings: [
              { runner: 'ruff', rule: 'F401', severity: 'error', message: 'unused import' },
              { runner: 'ruff', rule: 'F401', severity: 'error', message: 'unused import' },
              { runner: 'ruff', rule: 'E501', severity: 'warning', message: 'long line' },
            ],
          });
          const now = new Date().toISOString();
          await write('.qlf/llm/usage.jsonl', ledger.map((line) => JSON.stringify({ ...line, at: now })).join('\n'));
        },
      },
    );
    expect(text).toContain('qlf_generated_files_total{agent="model"} 3');
    expect(text).toContain('qlf_llm_calls_total{provider="anthropic",model="claude-x",outcome="answered"} 1');
    expect(text).toContain('qlf_llm_calls_total{provider="anthropic",model="claude-x",outcome="cached"} 1');
    expect(text).toContain('qlf_llm_tokens_total{provider="anthropic",model="claude-x",direction="input"} 1000');
    expect(text).toContain('qlf_llm_tokens_total{provider="anthropic",model="claude-x",direction="output"} 200');
    expect(text).toContain('qlf_llm_cost_usd_total{provider="anthropic",model="claude-x"} 0.05');
    expect(text).toContain('qlf_llm_call_seconds_count{provider="anthropic"} 1');
    expect(text).toContain('qlf_llm_call_seconds_sum{provider="anthropic"} 3.2');
    expect(text).toContain('qlf_verify_findings_total{runner="ruff",rule="F401",severity="error"} 2');
    expect(text).toContain('qlf_verify_findings_total{runner="ruff",rule="E501",severity="warning"} 1');
    expect(text).toContain('qlf_verify_skipped_checks_total{runner="pytest"} 1');
    expect(text).toContain('qlf_images_built_total 1');
    expect(text).toContain('qlf_image_build_seconds_sum 42');
    expect(text).toContain('qlf_capsules_total 1');
    expect(text).toContain('qlf_capsule_size_bytes_bucket{le="100000"} 1');
    expect(text).toContain('qlf_capsule_size_bytes_sum 12345');
    expect(text).toContain('qlf_deploys_total{kind="deploy",outcome="failed"} 1');
    // 2.5 USD of the ledger spent this month against a 10 USD limit.
    expect(text).toContain('qlf_llm_budget_used_ratio 0.25');
  });

  it('counts nothing from outputs of cache hits, or from a report older than the task', async () => {
    await write('dist/qlf/shop/generated.lock.json', { generator: { provider: 'templates' }, files: { 'a.py': {} } });
    await write('dist/qlf/shop/verify/report.json', {
      runners: [],
      findings: [{ runner: 'ruff', rule: 'F401', severity: 'error', message: 'old' }],
    });
    const old = new Date(Date.now() - 60_000);
    await utimes(join(root, 'dist/qlf/shop/verify/report.json'), old, old);
    const text = await feed([
      task('shop', 'generate', { status: 'cached', cache: 'local' }),
      task('shop', 'verify', { status: 'failed' }),
    ]);
    expect(text).not.toMatch(/^qlf_generated_files_total\{/m);
    expect(text).not.toMatch(/^qlf_verify_findings_total\{/m);
    // No provider and no ledger: the budget is not reported.
    expect(text).not.toMatch(/^qlf_llm_budget_used_ratio /m);
  });

  it('counts template-only generations under agent="templates"', async () => {
    await write('dist/qlf/shop/generated.lock.json', {
      generator: { provider: 'templates' },
      files: { 'a.py': {}, 'b.py': {} },
    });
    await write('dist/qlf/shop/llm-usage.json', { provider: 'templates', calls: [], totalUsd: 0 });
    expect(await feed([task('shop', 'generate')])).toContain('qlf_generated_files_total{agent="templates"} 2');
  });

  it('counts the bytes of cache entries restored and stored, from their manifests', async () => {
    const entry = async (hash: string, sizes: number[]) => {
      const files = sizes.map((size, i) => ({ path: `f${i}`, sha256: HASH(0), size }));
      await mkdir(entryDirOf(config.cacheDir, hash), { recursive: true });
      await writeFile(join(entryDirOf(config.cacheDir, hash), 'manifest.json'), JSON.stringify({ files }));
    };
    await entry(HASH(2), [100, 20]);
    await entry(HASH(3), [5000]);
    await entry(HASH(4), [7]);
    await entry(HASH(5), [1_000_000]);
    const text = await feed([
      task('a', 'compile', { status: 'cached', cache: 'local', hash: HASH(2) }),
      task('b', 'compile', { status: 'cached', cache: 'remote', hash: HASH(3) }),
      task('c', 'compile', { hash: HASH(4) }),
      // Skipped something another run could do: never stored, whatever an older entry says.
      task('d', 'build', { hash: HASH(5), skips: [{ check: 'image', reason: 'no engine' }] }),
    ]);
    expect(text).toContain('qlf_cache_restored_bytes_total{cache="local"} 120');
    expect(text).toContain('qlf_cache_restored_bytes_total{cache="remote"} 5000');
    expect(text).toContain('qlf_cache_stored_bytes_total 7');
  });

  it('counts a run that threw before its end as failed, and an interrupted one as interrupted', async () => {
    expect(await feed([task('shop', 'compile')], { end: false })).toContain('qlf_runs_total{outcome="failed"} 1');
    expect(await feed([], { interrupted: true })).toContain('qlf_runs_total{outcome="interrupted"} 1');
  });

  it('maps statuses to outcome labels', () => {
    expect(taskOutcome({ status: 'cached', cache: null })).toBe('cache_hit_local');
    expect(taskOutcome({ status: 'skipped', cache: null })).toBe('skipped');
    expect(runOutcome(totalsOf([task('a', 'compile', { status: 'skipped' })], 1), false)).toBe('failed');
  });
});
