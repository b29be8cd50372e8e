// Feeds the metrics registry from one graph run: the run's events, plus what its tasks published under
// `<outDir>/<brief>/` (files generated, LLM calls, findings, images, capsules) and the task cache's entry manifests.
// Stage facts are counted only for tasks that ran: a cache hit generated, checked or built nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent, RunTotals, TaskResult } from '../../graph/events.js';
import { briefOutDir } from '../../graph/publish.js';
import { UsageLedger } from '../../llm/cost/usage-ledger.js';
import { breakerStates } from '../../llm/resilience/breakers.js';
import { llmStateDir } from '../../llm/state-dir.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import {
  readBuildResult,
  readCapsuleSize,
  readEntryBytes,
  readGenerateFacts,
  readVerifyReport,
} from './published-outputs.js';
import type { QlfMetrics } from './registry.js';

export interface RunCollectorOptions {
  config: ResolvedConfig;
  /** Whether the run used the local cache: stored bytes are counted only then. @default true */
  cache?: boolean;
  now?: () => Date;
}

/** The `outcome` label of `qlf_tasks_total`. */
export function taskOutcome(result: Pick<TaskResult, 'status' | 'cache'>): string {
  switch (result.status) {
    case 'success':
      return 'ran';
    case 'cached':
      return result.cache === 'remote' ? 'cache_hit_remote' : 'cache_hit_local';
    default:
      return result.status;
  }
}

/** The `outcome` label of `qlf_runs_total`; `failed` whenever `qlf run` would exit 1. */
export function runOutcome(totals: RunTotals, interrupted: boolean): 'success' | 'failed' | 'interrupted' {
  if (interrupted) return 'interrupted';
  return totals.failed > 0 || totals.skipped > 0 ? 'failed' : 'success';
}

/** One run's collector: pass it every event, then `finish()` before reading the registry. */
export class RunCollector {
  private readonly pending = new Set<Promise<void>>();
  private readonly startedAt = new Map<string, number>();
  private ended = false;

  constructor(
    private readonly metrics: QlfMetrics,
    private readonly options: RunCollectorOptions,
  ) {}

  readonly onEvent = (event: RunEvent): void => {
    if (event.type === 'task:start') this.startedAt.set(event.id, Date.now());
    else if (event.type === 'task:end') this.onTaskEnd(event.result);
    else if (event.type === 'run:end') {
      this.ended = true;
      this.metrics.counter('qlf_runs_total').inc({ outcome: runOutcome(event.totals, event.interrupted) });
      this.track(this.observeLlmState());
    }
  };

  /** Waits for the files being read; a run that ended without `run:end` (it threw) counts as failed. */
  async finish(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.metrics.counter('qlf_runs_total').inc({ outcome: 'failed' });
    }
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  private track(work: Promise<void>): void {
    const done = work.catch(() => undefined).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private onTaskEnd(result: TaskResult): void {
    const brief = this.metrics.briefLabel ? { brief: result.brief } : {};
    this.metrics.counter('qlf_tasks_total').inc({ stage: result.stage, outcome: taskOutcome(result), ...brief });
    if (result.status === 'success') {
      this.metrics
        .histogram('qlf_task_duration_seconds')
        .observe({ stage: result.stage, ...brief }, result.durationMs / 1000);
    }
    const started = this.startedAt.get(result.id) ?? Date.now() - result.durationMs;
    this.track(this.observeCache(result));
    this.track(this.observeStage(result, started));
  }

  private async observeCache(result: TaskResult): Promise<void> {
    const { cacheDir } = this.options.config;
    if (!result.hash) return;
    if (result.status === 'cached') {
      const bytes = await readEntryBytes(cacheDir, result.hash);
      if (bytes !== undefined) {
        this.metrics.counter('qlf_cache_restored_bytes_total').inc({ cache: result.cache ?? 'local' }, bytes);
      }
    } else if (result.status === 'success' && this.options.cache !== false) {
      // A result that skipped something another run could do is not stored (graph/task-steps/store-result.ts).
      if ((result.skips ?? []).some((skip) => !skip.keyed)) return;
      const bytes = await readEntryBytes(cacheDir, result.hash);
      if (bytes !== undefined) this.metrics.counter('qlf_cache_stored_bytes_total').inc(bytes);
    }
  }

  private async observeStage(result: TaskResult, started: number): Promise<void> {
    const ran = result.status === 'success';
    const dir = briefOutDir(this.options.config, result.brief);
    switch (result.stage) {
      case 'generate':
        if (ran) await this.observeGenerate(result, dir, started);
        return;
      case 'verify':
        // A failed verify publishes its report too: that is where its error findings are.
        if (ran || result.status === 'failed') await this.observeVerify(dir, started);
        return;
      case 'build': {
        const build = ran ? await readBuildResult(dir) : undefined;
        if (build?.image.status === 'built') {
          this.metrics.counter('qlf_images_built_total').inc();
          this.metrics.histogram('qlf_image_build_seconds').observe(result.durationMs / 1000);
        }
        return;
      }
      case 'package': {
        const size = ran ? await readCapsuleSize(dir, result.brief) : undefined;
        if (size !== undefined) {
          this.metrics.counter('qlf_capsules_total').inc();
          this.metrics.histogram('qlf_capsule_size_bytes').observe(size);
        }
        return;
      }
      case 'deploy':
        if (ran || result.status === 'failed') {
          this.metrics.counter('qlf_deploys_total').inc({ kind: 'deploy', outcome: ran ? 'success' : 'failed' });
        }
        return;
      default:
        return;
    }
  }

  private async observeGenerate(result: TaskResult, dir: string, started: number): Promise<void> {
    const facts = await readGenerateFacts(dir);
    if (!facts) return;
    this.metrics.counter('qlf_generated_files_total').inc({ agent: facts.agent }, facts.files);
    for (const call of facts.calls) {
      const { provider, model } = call;
      this.metrics
        .counter('qlf_llm_calls_total')
        .inc({ provider, model, outcome: call.cached ? 'cached' : 'answered' });
      if (call.cached) continue; // served from the response cache: no tokens spent, nothing paid
      const tokens = this.metrics.counter('qlf_llm_tokens_total');
      tokens.inc({ provider, model, direction: 'input' }, call.inputTokens);
      tokens.inc({ provider, model, direction: 'output' }, call.outputTokens);
      this.metrics.counter('qlf_llm_cost_usd_total').inc({ provider, model }, call.costUsd);
    }
    if (facts.calls.some((call) => !call.cached)) await this.observeCallLatency(result.brief, started);
  }

  private async observeVerify(dir: string, started: number): Promise<void> {
    const report = await readVerifyReport(dir, started);
    if (!report) return;
    for (const { runner, rule, severity } of report.findings) {
      this.metrics.counter('qlf_verify_findings_total').inc({ runner, rule, severity });
    }
    for (const runner of report.runners) {
      if (runner.status === 'skipped')
        this.metrics.counter('qlf_verify_skipped_checks_total').inc({ runner: runner.runner });
    }
  }

  /** Latencies are in the usage ledger only: this brief's answered calls made while its task ran. */
  private async observeCallLatency(brief: string, started: number): Promise<void> {
    const ledger = new UsageLedger(join(llmStateDir(this.options.config), 'usage.jsonl'));
    const end = Date.now();
    for (const record of await ledger.records()) {
      const at = Date.parse(record.at);
      if (record.brief !== brief || record.cached || record.latencyMs === undefined) continue;
      if (at < started || at > end) continue;
      this.metrics.histogram('qlf_llm_call_seconds').observe({ provider: record.provider }, record.latencyMs / 1000);
    }
  }

  private async observeLlmState(): Promise<void> {
    const { config } = this.options;
    // Breakers live in the thread that calls the provider: under the worker pool this thread has none to report.
    for (const [provider, state] of Object.entries(breakerStates())) {
      this.metrics.gauge('qlf_llm_circuit_open').set({ provider }, state === 'open' ? 1 : 0);
    }
    const { limitUsd, period } = config.llm.budget;
    if (limitUsd <= 0) return;
    const file = join(llmStateDir(config), 'usage.jsonl');
    if (config.generate.provider === 'templates' && !existsSync(file)) return;
    const spent = await new UsageLedger(file).spentIn(period, this.options.now?.() ?? new Date());
    this.metrics.gauge('qlf_llm_budget_used_ratio').set(spent / limitUsd);
  }
}
