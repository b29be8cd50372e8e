// A new brief from one sentence (its name derived from it), or from a `qlf:brief` template with a name, description
// and overlays. The server writes it through the generator and the editor opens it.
import { useState } from 'preact/hooks';
import type { CreateBriefRequest, CreateBriefResponse, WorkspaceResponse } from '../../shared/api.js';
import { ApiFailure, api } from '../api.js';
import { bumpVersion } from '../live.js';
import { navigate } from '../router.js';

export function NewBriefForm({ workspace }: { workspace?: WorkspaceResponse }) {
  const [mode, setMode] = useState<'sentence' | 'template'>('sentence');
  const [sentence, setSentence] = useState('');
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('minimal');
  const [description, setDescription] = useState('');
  const [directory, setDirectory] = useState('');
  const [overlays, setOverlays] = useState<string[]>([]);
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const request: CreateBriefRequest =
      mode === 'sentence'
        ? { sentence, ...(directory ? { directory } : {}) }
        : { name, template, description, overlays, ...(directory ? { directory } : {}) };
    try {
      const created = await api.post<CreateBriefResponse>('/api/briefs', request);
      bumpVersion();
      navigate('edit', { file: created.file });
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure : new ApiFailure(0, 'E_NETWORK', String(failure)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="new-brief" onSubmit={submit} aria-labelledby="new-brief-title">
      <h2 id="new-brief-title">New brief</h2>
      <fieldset>
        <legend>Start from</legend>
        <label>
          <input type="radio" name="mode" checked={mode === 'sentence'} onChange={() => setMode('sentence')} /> a
          sentence
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'template'} onChange={() => setMode('template')} /> a
          template
        </label>
      </fieldset>
      {mode === 'sentence' ? (
        <label class="field">
          Describe the service in one sentence
          <textarea
            name="sentence"
            rows={3}
            required
            value={sentence}
            placeholder="A PCI-compliant payment API with fraud detection for card payments"
            onInput={(e) => setSentence((e.target as HTMLTextAreaElement).value)}
          />
        </label>
      ) : (
        <>
          <label class="field">
            Name (lowercase letters, digits, dashes)
            <input
              name="name"
              required
              pattern="[a-z0-9]([-a-z0-9]*[a-z0-9])?"
              value={name}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          </label>
          <label class="field">
            Template
            <select
              name="template"
              value={template}
              onChange={(e) => setTemplate((e.target as HTMLSelectElement).value)}
            >
              {(workspace?.templates ?? ['minimal']).map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            Description
            <textarea
              name="description"
              rows={3}
              value={description}
              onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          <fieldset>
            <legend>Overlays</legend>
            {(workspace?.overlays ?? []).map((overlay) => (
              <label key={overlay}>
                <input
                  type="checkbox"
                  checked={overlays.includes(overlay)}
                  onChange={(e) =>
                    setOverlays((list) =>
                      (e.target as HTMLInputElement).checked ? [...list, overlay] : list.filter((o) => o !== overlay),
                    )
                  }
                />{' '}
                {overlay}
              </label>
            ))}
          </fieldset>
        </>
      )}
      <label class="field">
        Folder (optional; default: where the config's globs look)
        <input name="directory" value={directory} onInput={(e) => setDirectory((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" disabled={busy}>
        Create brief
      </button>
      {error ? (
        <div class="error" role="alert">
          <p>{error.message.split('\n')[0]}</p>
          {error.issues.map((issue) => (
            <p key={`${issue.code}${issue.message}`}>
              {issue.message}
              {issue.hint ? <span class="hint"> {issue.hint}</span> : null}
            </p>
          ))}
          {error.hint ? <p class="hint">{error.hint}</p> : null}
        </div>
      ) : null}
    </form>
  );
}
