// The qlf web UI: a header with the pages (briefs, editor, pipeline, outputs), the live run indicator, and the page
// the address names.
import { render } from 'preact';
import type { WorkspaceResponse } from '../shared/api.js';
import { useLive } from './live.js';
import { BriefsPage } from './pages/briefs-page.js';
import { EditorPage } from './pages/editor-page.js';
import { OutputsPage } from './pages/outputs-page.js';
import { PipelinePage } from './pages/pipeline-page.js';
import { href, type PageName, useRoute } from './router.js';
import { useFetch } from './use-fetch.js';
import './styles.css';

const NAV: { page: PageName; label: string }[] = [
  { page: 'briefs', label: 'Briefs' },
  { page: 'edit', label: 'Editor' },
  { page: 'pipeline', label: 'Pipeline' },
  { page: 'outputs', label: 'Outputs' },
];

function RunIndicator() {
  const live = useLive();
  const running = live.run && live.run.endedAt === undefined;
  const text = !live.connected
    ? 'offline: reconnecting'
    : running
      ? `running ${live.run?.brief ?? 'all briefs'}`
      : live.external
        ? `a run of process ${live.external.pid} is going`
        : 'idle';
  return (
    <output class={`indicator ${running || live.external ? 'busy' : ''}`} aria-live="polite">
      {text}
    </output>
  );
}

function App() {
  const route = useRoute();
  const workspace = useFetch<WorkspaceResponse>('/api/workspace');
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="logo">qlf</span>
        <nav aria-label="Pages">
          {NAV.map(({ page, label }) => (
            <a href={href(page)} aria-current={route.page === page ? 'page' : undefined} key={page}>
              {label}
            </a>
          ))}
        </nav>
        <span class="root" title={workspace.data?.root}>
          {workspace.data ? `${workspace.data.root} · qlf ${workspace.data.qlfVersion}` : ''}
        </span>
        <RunIndicator />
      </header>
      <main id="main" tabIndex={-1}>
        {workspace.error ? <p class="error">{workspace.error.message}</p> : null}
        {route.page === 'briefs' ? <BriefsPage workspace={workspace.data} /> : null}
        {route.page === 'edit' ? <EditorPage file={route.params.get('file') ?? undefined} /> : null}
        {route.page === 'pipeline' ? (
          <PipelinePage workspace={workspace.data} task={route.params.get('task') ?? undefined} />
        ) : null}
        {route.page === 'outputs' ? (
          <OutputsPage
            brief={route.params.get('brief') ?? undefined}
            tab={route.params.get('tab') ?? undefined}
            file={route.params.get('file') ?? undefined}
            line={route.params.get('line') ?? undefined}
          />
        ) : null}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
