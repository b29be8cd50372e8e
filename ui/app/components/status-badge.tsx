// A task's state as a word with a colour (never colour alone), and a mark for results served from the cache.
import type { StageStatus, TaskState } from '../../shared/api.js';
import { formatDuration } from '../format.js';

const LABELS: Record<TaskState, string> = {
  success: 'ran',
  cached: 'cached',
  failed: 'failed',
  skipped: 'skipped',
  queued: 'queued',
  running: 'running',
};

export function StatusBadge({ status, compact = false }: { status?: StageStatus; compact?: boolean }) {
  if (!status) return <span class="status status-none">not run</span>;
  const cache = status.status === 'cached' && status.cache ? ` (${status.cache})` : '';
  const title = [
    `${LABELS[status.status]}${cache}`,
    status.durationMs !== undefined ? formatDuration(status.durationMs) : undefined,
    status.errorCode,
    status.at ? `at ${new Date(status.at).toLocaleString()}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <span class={`status status-${status.status}`} title={title}>
      {status.status === 'cached' ? <span aria-hidden="true">⚡ </span> : null}
      {LABELS[status.status]}
      {!compact && status.durationMs !== undefined && status.status !== 'cached'
        ? ` ${formatDuration(status.durationMs)}`
        : ''}
    </span>
  );
}
