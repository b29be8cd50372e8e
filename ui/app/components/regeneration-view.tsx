// What regenerating the brief would change in its working copy (computed on request: it compiles and generates),
// file by file as diffs, with the conflicts it would leave and those already in the working copy.
import { useState } from 'preact/hooks';
import type { RegenerationResponse } from '../../shared/api.js';
import { ApiFailure, api } from '../api.js';
import { formatDuration } from '../format.js';
import { href } from '../router.js';

export function RegenerationView({ brief }: { brief: string }) {
  const [result, setResult] = useState<RegenerationResponse>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const compute = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.get<RegenerationResponse>(`/api/outputs/${encodeURIComponent(brief)}/regeneration`));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const report = result?.report;
  return (
    <div class="regeneration">
      <p>
        Compiles the saved brief, generates with the templates and merges into a throwaway copy of the working copy: the
        working copy itself is not touched.
      </p>
      <button type="button" onClick={compute} disabled={busy} aria-busy={busy}>
        {busy ? 'Computing…' : 'Show what a regeneration would change'}
      </button>
      {error ? <p class="error">{error}</p> : null}
      {result && report ? (
        <>
          <p aria-live="polite">
            {result.workingCopy ? '' : 'No working copy yet: the whole service would be written. '}
            {report.written.length} written, {report.merged.length} merged with your edits, {report.conflicts.length}{' '}
            conflicts, {report.removed.length} removed, {report.unchanged} unchanged (
            {formatDuration(result.durationMs)})
          </p>
          {result.unresolved.length > 0 ? (
            <section aria-labelledby="unresolved-title">
              <h3 id="unresolved-title">Conflict markers in the working copy now</h3>
              <ul>
                {result.unresolved.flatMap((file) =>
                  file.hunks.map((hunk) => (
                    <li key={`${file.path}:${hunk.start}`}>
                      <a href={href('outputs', { brief, tab: 'files', file: file.path, line: String(hunk.start) })}>
                        {file.path}:{hunk.start}
                      </a>{' '}
                      (lines {hunk.start}–{hunk.end})
                    </li>
                  )),
                )}
              </ul>
            </section>
          ) : null}
          {result.revision ? (
            <p>
              New migration <code>{result.revision.path}</code>: {result.revision.message}
              {result.revision.warnings.map((w) => (
                <span class="warning" key={w}>
                  {' '}
                  {w}
                </span>
              ))}
            </p>
          ) : null}
          {result.diffs.map((diff) => (
            <details key={diff.path} open={diff.change === 'conflict' || result.diffs.length <= 5}>
              <summary>
                <span class={`tag change-${diff.change}`}>{diff.change}</span> {diff.path}
              </summary>
              {diff.omitted ? <p class="muted">diff not shown: {diff.omitted}</p> : null}
              {diff.hunks.map((hunk) => (
                <pre class="diff" key={hunk.header}>
                  <span class="hunk">{hunk.header}</span>
                  {'\n'}
                  {hunk.lines.map((line, index) => (
                    <span key={index} class={line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''}>
                      {line}
                      {'\n'}
                    </span>
                  ))}
                </pre>
              ))}
            </details>
          ))}
        </>
      ) : null}
    </div>
  );
}
