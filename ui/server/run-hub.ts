// Runs the task graph for the UI, in this process: `runGraph` with the engine's own events turned into task states
// pushed to every open page. In-process rather than a child `qlf run --json`, because the child prints its tasks only
// when the run ends, while `onEvent` says when each task starts and ends; tasks still run in the engine's worker pool.
// The run holds the workspace's run lock like any run and is written to the audit log as a `run`; the states kept
// here are only the last run's, for the pages to show (they are never written anywhere).
import { randomBytes } from 'node:crypto';
import { isQlfError } from '../../core/errors.js';
import { type RunEvent, type RunResult, runGraph, type TaskResult } from '../../graph/index.js';
import { recordRun } from '../../observability/audit/index.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { RunRequest, RunSnapshot, StageName, TaskView } from '../shared/api.js';
import { ApiError } from './http-util.js';

export function taskViewOf(result: TaskResult, withLog: boolean): TaskView {
  return {
    id: result.id,
    brief: result.brief,
    stage: result.stage,
    status: result.status,
    cache: result.cache,
    durationMs: result.durationMs,
    ...(result.status === 'cached' ? { savedMs: result.savedMs } : {}),
    ...(result.error ? { error: result.error } : {}),
    ...(result.errorCode ? { errorCode: result.errorCode } : {}),
    ...(result.hint ? { hint: result.hint } : {}),
    ...(result.issues?.length ? { issues: result.issues } : {}),
    ...(result.skips?.length ? { skips: result.skips.map(({ check, reason }) => ({ check, reason })) } : {}),
    ...(result.warnings?.length ? { warnings: result.warnings } : {}),
    ...(withLog ? { log: result.terminalOutput } : {}),
    source: 'run',
  };
}

interface RunState {
  snapshot: RunSnapshot;
  /** Logs by task id, kept apart so snapshots stay small. */
  logs: Map<string, string>;
  done: Promise<void>;
  controller: AbortController;
}

export interface RunHubOptions {
  config: () => Promise<ResolvedConfig>;
  /** Validates the request against the workspace (the brief exists); throws an ApiError otherwise. */
  check: (config: ResolvedConfig, request: RunRequest) => Promise<void>;
  onRun: (run: RunSnapshot) => void;
  onTask: (runId: string, task: TaskView) => void;
}

export class RunHub {
  private state?: RunState;

  constructor(private readonly options: RunHubOptions) {}

  /** The running or last run, without logs. */
  snapshot(): RunSnapshot | null {
    return this.state ? structuredClone(this.state.snapshot) : null;
  }

  /** One task of the running or last run, with its log. */
  task(id: string): TaskView | undefined {
    const task = this.state?.snapshot.tasks.find((t) => t.id === id);
    if (!task) return undefined;
    const log = this.state?.logs.get(id);
    return { ...task, ...(log === undefined ? {} : { log }) };
  }

  get running(): boolean {
    return this.state !== undefined && this.state.snapshot.endedAt === undefined;
  }

  /** Starts a run; 409 while one started here is still going (a run elsewhere is waited for by the run lock). */
  async start(request: RunRequest): Promise<RunSnapshot> {
    if (this.running) {
      throw new ApiError(409, 'E_UI_RUN_BUSY', 'a run started from this page is still going', {
        hint: 'Wait for it to end, or cancel it.',
      });
    }
    const config = await this.options.config();
    await this.options.check(config, request);
    const controller = new AbortController();
    const snapshot: RunSnapshot = {
      id: randomBytes(6).toString('hex'),
      brief: request.brief ?? null,
      stage: request.stage ?? null,
      startedAt: new Date().toISOString(),
      tasks: [],
      warnings: [],
    };
    const state: RunState = { snapshot, logs: new Map(), controller, done: Promise.resolve() };
    this.state = state;
    state.done = this.execute(config, state, request);
    this.options.onRun(structuredClone(snapshot));
    return structuredClone(snapshot);
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.state?.controller.abort();
    return true;
  }

  /** Stops a run under way and waits for it to end. */
  async close(): Promise<void> {
    this.state?.controller.abort();
    await this.state?.done;
  }

  private setTask(state: RunState, task: TaskView): void {
    const tasks = state.snapshot.tasks;
    const index = tasks.findIndex((t) => t.id === task.id);
    if (index >= 0) tasks[index] = task;
    else tasks.push(task);
    this.options.onTask(state.snapshot.id, task);
  }

  private onEvent(state: RunState, event: RunEvent): void {
    switch (event.type) {
      case 'run:start':
        state.snapshot.tasks = event.tasks.map((node) => ({
          id: node.id,
          brief: node.brief,
          stage: node.stage as StageName,
          status: 'queued',
        }));
        this.options.onRun(structuredClone(state.snapshot));
        return;
      case 'run:wait-lock':
        state.snapshot.warnings.push(`waiting for the run of process ${event.holder} to end`);
        this.options.onRun(structuredClone(state.snapshot));
        return;
      case 'task:start':
        this.setTask(state, { id: event.id, brief: event.brief, stage: event.stage, status: 'running' });
        return;
      case 'task:end':
        state.logs.set(event.result.id, event.result.terminalOutput);
        this.setTask(state, taskViewOf(event.result, false));
        return;
      case 'run:warning':
        state.snapshot.warnings.push(event.hint ? `${event.message} (${event.hint})` : event.message);
        return;
      case 'run:end':
        state.snapshot.interrupted = event.interrupted;
        return;
      default:
        return;
    }
  }

  private async execute(config: ResolvedConfig, state: RunState, request: RunRequest): Promise<void> {
    const startedAt = new Date();
    let result: RunResult | undefined;
    let failure: unknown;
    try {
      result = await runGraph({
        config,
        ...(request.brief ? { only: [request.brief] } : {}),
        ...(request.stage ? { stage: request.stage } : {}),
        continue: true,
        signal: state.controller.signal,
        onEvent: (event) => this.onEvent(state, event),
      });
      const { tasks, success, cached, failed, skipped, durationMs } = result.totals;
      state.snapshot.totals = { tasks, success, cached, failed, skipped, durationMs };
      state.snapshot.interrupted = result.interrupted;
    } catch (error) {
      failure = error;
      state.snapshot.error = isQlfError(error)
        ? { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) }
        : { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) };
    } finally {
      // Tasks that never started (an interrupted or failed run) are not left looking queued.
      for (const task of state.snapshot.tasks)
        if (task.status === 'queued' || task.status === 'running') task.status = 'skipped';
      await recordRun({
        config,
        command: 'run',
        startedAt,
        ...(result ? { result } : {}),
        ...(failure === undefined ? {} : { error: failure }),
      });
      state.snapshot.endedAt = new Date().toISOString();
      this.options.onRun(structuredClone(state.snapshot));
    }
  }
}
