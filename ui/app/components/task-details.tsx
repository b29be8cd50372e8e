// One task: its state, duration, cache, what went wrong and how to fix it, checks it skipped, and its log.
import type { TaskView } from '../../shared/api.js';
import { withQuery } from '../api.js';
import { formatDuration } from '../format.js';
import { useFetch } from '../use-fetch.js';
import { StatusBadge } from './status-badge.js';

export function TaskDetails({ id, version }: { id: string; version: string }) {
  const task = useFetch<TaskView>(withQuery(`/api/tasks/${encodeURIComponent(id)}`, {}), [version]);
  return (
    <section class="task-details" aria-labelledby="task-title" aria-live="polite">
      <h2 id="task-title">{id}</h2>
      {task.error ? <p class="muted">{task.error.message}</p> : null}
      {task.data ? (
        <>
          <p>
            <StatusBadge status={task.data} />
            {task.data.durationMs !== undefined ? ` took ${formatDuration(task.data.durationMs)}` : ''}
            {task.data.status === 'cached'
              ? ` · served from the ${task.data.cache ?? 'local'} cache${task.data.savedMs ? `, saving ${formatDuration(task.data.savedMs)}` : ''}`
              : ''}
            {task.data.source && task.data.source !== 'run' ? (
              <span class="muted"> (as the workspace recorded its last run)</span>
            ) : null}
          </p>
          {task.data.error ? (
            <div class="error">
              <p>
                {task.data.errorCode ? <code>{task.data.errorCode}</code> : null} {task.data.error}
              </p>
              {task.data.hint ? <p class="hint">fix: {task.data.hint}</p> : null}
            </div>
          ) : null}
          {task.data.issues?.length ? (
            <ul>
              {task.data.issues.map((issue) => (
                <li key={`${issue.code}${issue.line}${issue.message}`}>
                  {issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}: ` : ''}
                  {issue.message}
                  {issue.hint ? <span class="hint"> fix: {issue.hint}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {task.data.skips?.length ? (
            <>
              <h3>Skipped checks</h3>
              <ul>
                {task.data.skips.map((skip) => (
                  <li key={skip.check}>
                    {skip.check}: {skip.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {task.data.warnings?.length ? (
            <>
              <h3>To review</h3>
              <ul>
                {task.data.warnings.map((warning) => (
                  <li key={warning}>{warning}</li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Log</h3>
          {task.data.log ? <pre class="log">{task.data.log}</pre> : <p class="muted">No output recorded.</p>}
        </>
      ) : null}
    </section>
  );
}
