// The briefs of the workspace, each with its last status per stage (live while a run goes), and a form for a new one.
import { useState } from 'preact/hooks';
import type { BriefsResponse, RunSnapshot, StageName, WorkspaceResponse } from '../../shared/api.js';
import { ApiFailure, api } from '../api.js';
import { NewBriefForm } from '../components/new-brief-form.js';
import { StatusBadge } from '../components/status-badge.js';
import { useLive } from '../live.js';
import { liveStatus } from '../live-status.js';
import { href } from '../router.js';
import { useFetch } from '../use-fetch.js';

export function BriefsPage({ workspace }: { workspace?: WorkspaceResponse }) {
  const live = useLive();
  const briefs = useFetch<BriefsResponse>('/api/briefs', [live.version]);
  const [message, setMessage] = useState<string>();
  const stages: StageName[] = workspace?.stages ?? [];
  const running = live.run !== null && live.run.endedAt === undefined;

  const run = async (brief?: string) => {
    setMessage(undefined);
    try {
      await api.post<{ run: RunSnapshot }>('/api/run', brief ? { brief } : {});
    } catch (error) {
      setMessage(error instanceof ApiFailure ? error.message : String(error));
    }
  };

  return (
    <section aria-labelledby="briefs-title">
      <div class="bar">
        <h1 id="briefs-title">Briefs</h1>
        <button type="button" onClick={() => run()} disabled={running}>
          Run all briefs
        </button>
      </div>
      {message ? (
        <p class="error" role="alert">
          {message}
        </p>
      ) : null}
      {briefs.error ? <p class="error">{briefs.error.message}</p> : null}
      {briefs.data?.external ? (
        <p class="note">A run of process {briefs.data.external.pid} is going; its statuses appear here when it ends.</p>
      ) : null}
      {briefs.data && briefs.data.briefs.length === 0 ? (
        <p>No briefs yet: the config's globs ({workspace?.briefGlobs.join(', ')}) find none. Create one below.</p>
      ) : null}
      {briefs.data && briefs.data.briefs.length > 0 ? (
        <table class="briefs">
          <caption class="sr-only">Briefs and the last status of each stage</caption>
          <thead>
            <tr>
              <th scope="col">Brief</th>
              {stages.map((stage) => (
                <th scope="col" key={stage}>
                  {stage}
                </th>
              ))}
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {briefs.data.briefs.map((brief) => (
              <tr key={brief.file} data-brief={brief.name ?? brief.file}>
                <th scope="row">
                  <a href={href('edit', { file: brief.file })}>{brief.name ?? brief.file}</a>
                  <div class="path">{brief.file}</div>
                  {brief.error ? (
                    <div class="error">
                      {brief.error.line ? `line ${brief.error.line}: ` : ''}
                      {brief.error.message}
                    </div>
                  ) : null}
                </th>
                {stages.map((stage) => (
                  <td key={stage}>
                    {brief.name ? (
                      <StatusBadge status={liveStatus(live.run, `${brief.name}:${stage}`, brief.stages[stage])} />
                    ) : null}
                  </td>
                ))}
                <td>
                  <div class="actions">
                    <a href={href('edit', { file: brief.file })}>Edit</a>
                    {brief.name ? <a href={href('outputs', { brief: brief.name })}>Outputs</a> : null}
                    {brief.name ? (
                      <button
                        type="button"
                        onClick={() => run(brief.name ?? undefined)}
                        disabled={running}
                        aria-label={`Run ${brief.name}`}
                      >
                        Run
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <NewBriefForm workspace={workspace} />
    </section>
  );
}
