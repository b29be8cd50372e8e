// Editing one brief: the CodeMirror editor beside the live IR preview. Saves send the hash the text was loaded with;
// a change on disk (seen by a poll, or by a refused save) is offered as a reload and never overwritten silently.
import type { EditorView } from '@codemirror/view';
import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  ApiIssue,
  BriefFile,
  BriefFileMeta,
  BriefsResponse,
  PreviewResponse,
  RunSnapshot,
  SpanView,
} from '../../shared/api.js';
import { ApiFailure, api, withQuery } from '../api.js';
import { IrPreviewView, type PreviewActions, ProblemList } from '../components/ir-preview.js';
import { createBriefEditor, offsetOf, replaceText } from '../editor/brief-editor.js';
import { highlightSpan } from '../editor/span-highlight.js';
import { formatDuration } from '../format.js';
import { bumpVersion, useLive } from '../live.js';
import { href, navigate } from '../router.js';
import { useFetch } from '../use-fetch.js';

/** How often the file on disk is checked for an outside change. */
const POLL_MS = 1_500;

type SaveState = { kind: 'saved' | 'modified' | 'saving' } | { kind: 'error'; message: string };

function BriefPicker() {
  const briefs = useFetch<BriefsResponse>('/api/briefs');
  return (
    <section aria-labelledby="pick-title">
      <h1 id="pick-title">Editor</h1>
      <p>Pick a brief to edit:</p>
      <ul class="pick">
        {briefs.data?.briefs.map((brief) => (
          <li key={brief.file}>
            <a href={href('edit', { file: brief.file })}>{brief.name ?? brief.file}</a>{' '}
            <span class="path">{brief.file}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function EditorPage({ file }: { file?: string }) {
  if (!file) return <BriefPicker />;
  return <BriefEditorPane file={file} key={file} />;
}

function BriefEditorPane({ file }: { file: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const base = useRef<{ hash: string; text: string }>();
  const sequence = useRef(0);
  /** The latest save function: the editor's Ctrl+S keymap is built once and must not keep an old one. */
  const saveRef = useRef<(overwrite?: boolean) => Promise<void>>();
  const [loadError, setLoadError] = useState<string>();
  const [save, setSave] = useState<SaveState>({ kind: 'saved' });
  const [onDisk, setOnDisk] = useState<BriefFileMeta>();
  const [preview, setPreview] = useState<PreviewResponse>();
  const [checking, setChecking] = useState(false);
  const [runMessage, setRunMessage] = useState<string>();
  const live = useLive();

  const check = async (text: string): Promise<ApiIssue[]> => {
    const id = ++sequence.current;
    setChecking(true);
    try {
      const answer = await api.post<PreviewResponse>('/api/preview', { text, path: file });
      if (id !== sequence.current) return [];
      setPreview(answer);
      const warnings: ApiIssue[] = (answer.ir?.warnings ?? [])
        .filter((w) => w.line !== undefined)
        .map((w) => ({ code: w.code, message: w.message, line: w.line, column: w.column, severity: 'warning' }));
      return [...answer.issues, ...warnings];
    } catch (error) {
      if (id === sequence.current) setPreview({ ok: false, issues: [failureIssue(error)], durationMs: 0 });
      return [];
    } finally {
      if (id === sequence.current) setChecking(false);
    }
  };

  // Load the file and the schema, then build the editor once.
  useEffect(() => {
    let cancelled = false;
    Promise.all([
      api.get<BriefFile>(withQuery('/api/brief-file', { path: file })),
      api.get<object>('/api/schema/brief'),
    ])
      .then(([loaded, schema]) => {
        if (cancelled || !host.current) return;
        base.current = { hash: loaded.hash, text: loaded.text };
        view.current = createBriefEditor({
          parent: host.current,
          text: loaded.text,
          schema: schema as never,
          check,
          onChange: (text) => setSave(text === base.current?.text ? { kind: 'saved' } : { kind: 'modified' }),
          onSave: () => void saveRef.current?.(),
        });
      })
      .catch((error) => setLoadError(failureIssue(error).message));
    return () => {
      cancelled = true;
      view.current?.destroy();
      view.current = undefined;
    };
  }, [file]);

  // Notice outside edits while the page is open.
  useEffect(() => {
    const timer = setInterval(async () => {
      if (!base.current) return;
      const meta = await api
        .get<BriefFileMeta>(withQuery('/api/brief-file/meta', { path: file }))
        .catch(() => undefined);
      if (meta && meta.hash !== base.current.hash) setOnDisk(meta);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [file]);

  const doSave = async (overwrite = false) => {
    const editor = view.current;
    if (!editor || !base.current) return;
    const text = editor.state.doc.toString();
    setSave({ kind: 'saving' });
    try {
      const baseHash = overwrite && onDisk ? onDisk.hash : base.current.hash;
      const saved = await api.put<BriefFileMeta>('/api/brief-file', { path: file, text, baseHash });
      base.current = { hash: saved.hash, text };
      setOnDisk(undefined);
      setSave(editor.state.doc.toString() === text ? { kind: 'saved' } : { kind: 'modified' });
      bumpVersion();
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 409) {
        setOnDisk((error.body?.current as BriefFileMeta | undefined) ?? onDisk);
        setSave({ kind: 'error', message: 'Not saved: the file changed on disk.' });
      } else {
        setSave({ kind: 'error', message: failureIssue(error).message });
      }
    }
  };

  saveRef.current = doSave;

  const reload = async () => {
    const loaded = await api.get<BriefFile>(withQuery('/api/brief-file', { path: file }));
    base.current = { hash: loaded.hash, text: loaded.text };
    if (view.current) replaceText(view.current, loaded.text);
    setOnDisk(undefined);
    setSave({ kind: 'saved' });
  };

  const run = async () => {
    setRunMessage(undefined);
    const name = preview?.ir?.name;
    try {
      await api.post<{ run: RunSnapshot }>('/api/run', name ? { brief: name } : {});
      navigate('pipeline', {});
    } catch (error) {
      setRunMessage(failureIssue(error).message);
    }
  };

  const actions: PreviewActions = {
    showSpan: (span: SpanView) => {
      if (view.current && span.from !== undefined && span.to !== undefined) {
        highlightSpan(view.current, span.from, span.to);
      }
    },
    locate: (line, column) => {
      const editor = view.current;
      if (!editor) return;
      const at = offsetOf(editor.state.doc, line, column);
      editor.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      editor.focus();
    },
  };

  const running = live.run !== null && live.run.endedAt === undefined;
  const saveLabel =
    save.kind === 'error' ? save.message : { saved: 'saved', modified: 'modified', saving: 'saving…' }[save.kind];

  return (
    <section class="editor-page" aria-labelledby="editor-title">
      <div class="bar">
        <h1 id="editor-title">{file}</h1>
        <output class={`save-state save-${save.kind}`} aria-live="polite">
          {saveLabel}
        </output>
        <button type="button" onClick={() => doSave()} disabled={save.kind === 'saving'}>
          Save
        </button>
        <button type="button" onClick={run} disabled={running || save.kind === 'modified'}>
          Run this brief
        </button>
        {preview?.ir ? <a href={href('outputs', { brief: preview.ir.name })}>Outputs</a> : null}
      </div>
      <p id="editor-help" class="muted">
        Ctrl+S saves. Ctrl+Space completes keys and values from the brief schema. Tab leaves the editor (Esc first if a
        list is open).
      </p>
      {runMessage ? (
        <p class="error" role="alert">
          {runMessage}
        </p>
      ) : null}
      {onDisk ? (
        <div class="banner" role="alert">
          <p>
            {file} changed on disk since you opened it
            {save.kind === 'modified' || save.kind === 'error' ? ', and you have unsaved edits' : ''}.
          </p>
          <button type="button" onClick={reload}>
            Reload from disk
          </button>{' '}
          <button type="button" onClick={() => doSave(true)}>
            Keep my text and overwrite
          </button>
        </div>
      ) : null}
      {loadError ? <p class="error">{loadError}</p> : null}
      <div class="split">
        <div class="editor" ref={host} />
        <aside class="preview" aria-label="Live preview of the IR" aria-busy={checking}>
          <h2>
            Preview{' '}
            <span class="muted">
              {checking ? 'compiling…' : preview ? `compiled in ${formatDuration(preview.durationMs)}` : ''}
            </span>
          </h2>
          {preview ? <ProblemList issues={preview.issues} actions={actions} /> : null}
          {preview?.ir ? <IrPreviewView ir={preview.ir} actions={actions} /> : null}
        </aside>
      </div>
    </section>
  );
}

function failureIssue(error: unknown): ApiIssue {
  if (error instanceof ApiFailure)
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'E_NETWORK', message: String((error as Error)?.message ?? error) };
}
