// The server's event stream (`/api/events`), shared by every page: the run this server is doing, task by task, a run
// of another process holding the workspace lock, and a counter that moves whenever recorded statuses may have changed
// (a run ended here or elsewhere), which pages use to fetch again.
import { useEffect, useState } from 'preact/hooks';
import type { ExternalRun, RunSnapshot, UiEvent } from '../shared/api.js';

export interface LiveState {
  connected: boolean;
  run: RunSnapshot | null;
  external: ExternalRun | null;
  /** Moves when what the workspace records changed. */
  version: number;
}

let state: LiveState = { connected: false, run: null, external: null, version: 0 };
const listeners = new Set<(next: LiveState) => void>();
let source: EventSource | undefined;

function update(next: Partial<LiveState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener(state);
}

function apply(event: UiEvent): void {
  switch (event.type) {
    case 'hello':
      update({ run: event.run, external: event.external, version: state.version + 1 });
      return;
    case 'run': {
      const ended = event.run.endedAt !== undefined && state.run?.endedAt === undefined;
      update({ run: event.run, ...(ended ? { version: state.version + 1 } : {}) });
      return;
    }
    case 'task': {
      if (!state.run || state.run.id !== event.runId) return;
      const tasks = state.run.tasks.filter((task) => task.id !== event.task.id);
      const index = state.run.tasks.findIndex((task) => task.id === event.task.id);
      tasks.splice(index < 0 ? tasks.length : index, 0, event.task);
      update({ run: { ...state.run, tasks } });
      return;
    }
    case 'workspace':
      update({ external: event.external, version: state.version + 1 });
      return;
  }
}

function connect(): void {
  if (source) return;
  source = new EventSource('/api/events');
  source.onopen = () => update({ connected: true });
  source.onerror = () => update({ connected: false });
  source.onmessage = (message: MessageEvent<string>) => apply(JSON.parse(message.data) as UiEvent);
}

export function useLive(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    connect();
    listeners.add(setCurrent);
    setCurrent(state);
    return () => {
      listeners.delete(setCurrent);
    };
  }, []);
  return current;
}

/** Call after this page changed what the workspace records (saved, created). */
export function bumpVersion(): void {
  update({ version: state.version + 1 });
}
