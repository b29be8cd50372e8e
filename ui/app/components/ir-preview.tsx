// The live preview of what the compiler reads from the brief: suggested overlays with their confidence, entities and
// their fields, relations, the main decisions, and warnings. Every fact read from the description has a button that
// highlights the words it was read from in the editor.
import type { ApiIssue, IrPreview, Provenance, SpanView } from '../../shared/api.js';
import { percent } from '../format.js';

export interface PreviewActions {
  showSpan: (span: SpanView) => void;
  locate: (line: number, column?: number) => void;
}

function SpanButton({ span, actions, label }: { span?: SpanView; actions: PreviewActions; label?: string }) {
  if (!span || span.from === undefined) return null;
  return (
    <button
      type="button"
      class="span-link"
      onClick={() => actions.showSpan(span)}
      aria-label={`Highlight “${span.text}” in the editor${label ? ` (${label})` : ''}`}
    >
      “{span.text}”
    </button>
  );
}

function Origin({ item }: { item: Provenance }) {
  return (
    <span class={`origin origin-${item.origin}`} title={`${item.origin}, confidence ${percent(item.confidence)}`}>
      {item.origin}
      {item.origin === 'inferred' || item.origin === 'llm' ? ` ${percent(item.confidence)}` : ''}
      {item.source ? ` (${item.source})` : ''}
    </span>
  );
}

export function ProblemList({ issues, actions }: { issues: ApiIssue[]; actions: PreviewActions }) {
  if (issues.length === 0) return null;
  return (
    <section class="problems" aria-labelledby="problems-title">
      <h3 id="problems-title">Problems ({issues.length})</h3>
      <ul>
        {issues.map((issue, index) => (
          <li key={`${index}:${issue.code}`} class={issue.severity === 'warning' ? 'warning' : 'error'}>
            {issue.line !== undefined ? (
              <button type="button" class="locate" onClick={() => actions.locate(issue.line as number, issue.column)}>
                line {issue.line}
                {issue.column !== undefined ? `:${issue.column}` : ''}
              </button>
            ) : null}{' '}
            <code>{issue.code}</code> {issue.message}
            {issue.hint ? <div class="hint">fix: {issue.hint}</div> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function IrPreviewView({ ir, actions }: { ir: IrPreview; actions: PreviewActions }) {
  return (
    <div class="ir-preview">
      <section aria-labelledby="overlays-title" class="overlays">
        <h3 id="overlays-title">Suggested overlays</h3>
        {ir.suggested.length === 0 ? <p class="muted">None: nothing in the description points to one.</p> : null}
        <ul>
          {ir.suggested.map((suggestion) => (
            <li key={suggestion.name} data-overlay={suggestion.name}>
              <strong>{suggestion.name}</strong>{' '}
              <meter min={0} max={1} value={suggestion.confidence} aria-label={`${suggestion.name} confidence`} />{' '}
              {percent(suggestion.confidence)}
              {suggestion.applied ? <span class="tag">applied</span> : <span class="tag muted">not applied</span>}
              <div class="spans">
                read from:{' '}
                {suggestion.spans.map((span) => (
                  <SpanButton span={span} actions={actions} label={suggestion.name} key={`${span.start}-${span.end}`} />
                ))}
              </div>
            </li>
          ))}
        </ul>
        {ir.applied.length > 0 ? (
          <p>
            Applied:{' '}
            {ir.applied.map((overlay) => (
              <span class="tag" key={overlay.name} title={`${overlay.reason}, ${percent(overlay.confidence)}`}>
                {overlay.name} ({overlay.reason})
              </span>
            ))}
          </p>
        ) : null}
      </section>
      <section aria-labelledby="facts-title">
        <h3 id="facts-title">Service</h3>
        <dl class="facts">
          <dt>name</dt>
          <dd>{ir.name}</dd>
          <dt>domain</dt>
          <dd>
            {ir.domain.value} <Origin item={ir.domain} /> <SpanButton span={ir.domain.span} actions={actions} />
          </dd>
          <dt>compliance</dt>
          <dd>
            {ir.compliance.length === 0 ? 'none' : null}
            {ir.compliance.map((c) => (
              <span key={c.value}>
                {c.value} <Origin item={c} /> <SpanButton span={c.span} actions={actions} />{' '}
              </span>
            ))}
          </dd>
          <dt>auth</dt>
          <dd>
            {ir.auth.value} <Origin item={ir.auth} /> <SpanButton span={ir.auth.span} actions={actions} />
          </dd>
          <dt>database</dt>
          <dd>
            {ir.database.value} <Origin item={ir.database} />
          </dd>
          <dt>features</dt>
          <dd>
            {ir.features.length === 0 ? 'none' : null}
            {ir.features.map((f) => (
              <span key={f.value}>
                {f.value} <SpanButton span={f.span} actions={actions} />{' '}
              </span>
            ))}
          </dd>
        </dl>
      </section>
      <section aria-labelledby="entities-title">
        <h3 id="entities-title">Entities ({ir.entities.length})</h3>
        {ir.entities.map((entity) => (
          <details key={entity.name} open={ir.entities.length <= 4} data-entity={entity.name}>
            <summary>
              <strong>{entity.name}</strong> <span class="muted">{entity.table}</span> <Origin item={entity} />
            </summary>
            <SpanButton span={entity.span} actions={actions} label={entity.name} />
            <table class="fields">
              <caption class="sr-only">Fields of {entity.name}</caption>
              <thead>
                <tr>
                  <th scope="col">field</th>
                  <th scope="col">type</th>
                  <th scope="col">required</th>
                  <th scope="col">from</th>
                </tr>
              </thead>
              <tbody>
                {entity.fields.map((field) => (
                  <tr key={field.name}>
                    <td>
                      {field.name}
                      {field.unique ? <span class="tag">unique</span> : null}
                      {field.classification ? <span class="tag">{field.classification}</span> : null}
                    </td>
                    <td>{field.type}</td>
                    <td>{field.required ? 'yes' : 'no'}</td>
                    <td>
                      <Origin item={field} /> <SpanButton span={field.span} actions={actions} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        ))}
      </section>
      <section aria-labelledby="relations-title">
        <h3 id="relations-title">Relations ({ir.relations.length})</h3>
        <ul>
          {ir.relations.map((relation) => (
            <li key={`${relation.from}-${relation.kind}-${relation.to}`}>
              {relation.from} <span class="muted">{relation.kind}</span> {relation.to} <Origin item={relation} />{' '}
              <SpanButton span={relation.span} actions={actions} />
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="warnings-title">
        <h3 id="warnings-title">Warnings ({ir.warnings.length})</h3>
        <ul>
          {ir.warnings.map((warning) => (
            <li key={`${warning.code}:${warning.message}`} class="warning">
              {warning.line !== undefined ? (
                <button
                  type="button"
                  class="locate"
                  onClick={() => actions.locate(warning.line as number, warning.column)}
                >
                  line {warning.line}
                </button>
              ) : null}{' '}
              <code>{warning.code}</code> {warning.message} <SpanButton span={warning.span} actions={actions} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
