// The pipeline: start a run (one brief or all, up to a stage), watch the task graph change as tasks start and end,
// and open a task for its log. A run of another process shows as going, and its outcome when it ends.
import { useState } from 'preact/hooks';
import type { GraphResponse, RunSnapshot, StageName, WorkspaceResponse } from '../../shared/api.js';
import { ApiFailure, api } from '../api.js';
import { TaskDetails } from '../components/task-details.js';
import { TaskGraph } from '../components/task-graph.js';
import { formatDuration } from '../format.js';
import { useLive } from '../live.js';
import { liveStatus } from '../live-status.js';
import { useFetch } from '../use-fetch.js';

function RunSummary({ run }: { run: RunSnapshot }) {
  const counts = run.tasks.reduce<Record<string, number>>((all, task) => {
    all[task.status] = (all[task.status] ?? 0) + 1;
    return all;
  }, {});
  return (
    <div class="run-summary" aria-live="polite">
      <p>
        {run.endedAt ? 'Last run' : 'Running'}: {run.brief ?? 'all briefs'}
        {run.stage ? ` up to ${run.stage}` : ''} ·{' '}
        {Object.entries(counts)
          .map(([status, count]) => `${count} ${status}`)
          .join(', ') || 'planning'}
        {run.totals ? ` · ${formatDuration(run.totals.durationMs)}` : ''}
        {run.interrupted ? ' · cancelled' : ''}
      </p>
      {run.error ? (
        <p class="error">
          <code>{run.error.code}</code> {run.error.message}
          {run.error.hint ? <span class="hint"> fix: {run.error.hint}</span> : null}
        </p>
      ) : null}
      {run.warnings.map((warning) => (
        <p class="warning" key={warning}>
          {warning}
        </p>
      ))}
    </div>
  );
}

export function PipelinePage({ workspace, task }: { workspace?: WorkspaceResponse; task?: string }) {
  const live = useLive();
  const graph = useFetch<GraphResponse>('/api/graph', [live.version]);
  const [brief, setBrief] = useState('');
  const [stage, setStage] = useState('');
  const [message, setMessage] = useState<string>();
  const running = live.run !== null && live.run.endedAt === undefined;
  const briefs = [...new Set(graph.data?.nodes.map((node) => node.brief) ?? [])];

  const start = async () => {
    setMessage(undefined);
    try {
      await api.post<{ run: RunSnapshot }>('/api/run', {
        ...(brief ? { brief } : {}),
        ...(stage ? { stage: stage as StageName } : {}),
      });
    } catch (error) {
      setMessage(error instanceof ApiFailure ? error.message : String(error));
    }
  };
  const cancel = () => api.post('/api/run/cancel', {}).catch(() => undefined);
  const status = (id: string) => liveStatus(live.run, id, graph.data?.statuses[id]);
  const liveTask = task ? live.run?.tasks.find((t) => t.id === task) : undefined;

  return (
    <section aria-labelledby="pipeline-title">
      <div class="bar">
        <h1 id="pipeline-title">Pipeline</h1>
        <label>
          Brief{' '}
          <select value={brief} onChange={(e) => setBrief((e.target as HTMLSelectElement).value)} name="brief">
            <option value="">all briefs</option>
            {briefs.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Up to{' '}
          <select value={stage} onChange={(e) => setStage((e.target as HTMLSelectElement).value)} name="stage">
            <option value="">every stage</option>
            {(workspace?.stages ?? []).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={start} disabled={running}>
          Run
        </button>
        {running ? (
          <button type="button" onClick={cancel}>
            Cancel run
          </button>
        ) : null}
      </div>
      {message ? (
        <p class="error" role="alert">
          {message}
        </p>
      ) : null}
      {live.external ? (
        <p class="note">
          A run of process {live.external.pid} (a terminal <code>qlf run</code> or <code>qlf watch</code>) holds the
          workspace; its statuses appear when it ends.
        </p>
      ) : null}
      {live.run ? <RunSummary run={live.run} /> : null}
      {graph.error ? <p class="error">{graph.error.message}</p> : null}
      <div class="pipeline">
        {graph.data ? <TaskGraph graph={graph.data} status={status} selected={task} /> : null}
        {task ? (
          <TaskDetails id={task} version={`${live.version}:${liveTask?.status ?? ''}:${live.run?.id ?? ''}`} />
        ) : (
          <p class="muted">Select a task for its log and duration.</p>
        )}
      </div>
    </section>
  );
}
