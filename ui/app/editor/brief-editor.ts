// The brief editor: CodeMirror 6 with YAML highlighting, completion, hover help and inline errors from the brief's
// JSON Schema (codemirror-json-schema), plus the compiler's own located problems. One linter runs both, so the
// compiler is asked (through `check`) only after typing pauses, and its answer replaces the last one in place.

import { yaml, yamlLanguage } from '@codemirror/lang-yaml';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView, hoverTooltip, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { stateExtensions } from 'codemirror-json-schema';
import { yamlCompletion, yamlSchemaHover, yamlSchemaLinter } from 'codemirror-json-schema/yaml';
import type { ApiIssue } from '../../shared/api.js';
import { highlightField } from './span-highlight.js';

/** Pause after the last keystroke before the compiler is asked. */
const CHECK_DELAY_MS = 350;

export interface BriefEditorOptions {
  parent: HTMLElement;
  text: string;
  schema: Parameters<typeof stateExtensions>[0];
  /** Compiles `text` on the server; answers the problems to show (located ones become inline diagnostics). */
  check: (text: string) => Promise<ApiIssue[]>;
  onChange: (text: string) => void;
  onSave: () => void;
}

/** The offset of a 1-based line and column, clamped into the document. */
export function offsetOf(doc: Text, line: number, column = 1): number {
  const at = doc.line(Math.max(1, Math.min(line, doc.lines)));
  return Math.min(at.to, at.from + Math.max(0, column - 1));
}

/** A located issue as a diagnostic over the rest of its token (or its line's end). */
export function issueDiagnostic(doc: Text, issue: ApiIssue): Diagnostic | undefined {
  if (issue.line === undefined) return undefined;
  const from = offsetOf(doc, issue.line, issue.column);
  const lineEnd = doc.lineAt(from).to;
  const rest = doc.sliceString(from, lineEnd);
  const token = /^[^\s,:\]}]+/.exec(rest)?.[0].length ?? rest.length;
  return {
    from,
    to: Math.max(from, Math.min(lineEnd, from + Math.max(1, token))),
    severity: issue.severity === 'warning' ? 'warning' : 'error',
    source: `qlf ${issue.code}`,
    message: issue.hint ? `${issue.message}\nfix: ${issue.hint}` : issue.message,
  };
}

export function createBriefEditor(options: BriefEditorOptions): EditorView {
  const schemaLint = yamlSchemaLinter();
  const lintBoth = linter(
    async (view) => {
      const doc = view.state.doc;
      const fromSchema = schemaLint(view).map((d) => ({ ...d, source: d.source ?? 'brief schema' }));
      const issues = await options.check(doc.toString());
      const fromCompiler = issues.map((issue) => issueDiagnostic(doc, issue)).filter((d): d is Diagnostic => !!d);
      // The compiler reads the schema too: where both speak about one line, its message (with the fix) is kept.
      const compilerLines = new Set(fromCompiler.map((d) => doc.lineAt(d.from).number));
      return [...fromCompiler, ...fromSchema.filter((d) => !compilerLines.has(doc.lineAt(d.from).number))];
    },
    { delay: CHECK_DELAY_MS },
  );
  return new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        basicSetup,
        yaml(),
        yamlLanguage.data.of({ autocomplete: yamlCompletion() }),
        hoverTooltip(yamlSchemaHover()),
        stateExtensions(options.schema),
        // Descriptions are prose: wrapped, they stay readable and their highlighted spans stay in view.
        EditorView.lineWrapping,
        lintGutter(),
        lintBoth,
        highlightField,
        keymap.of([
          {
            key: 'Mod-s',
            preventDefault: true,
            run: () => {
              options.onSave();
              return true;
            },
          },
        ]),
        EditorView.contentAttributes.of({ 'aria-label': 'Brief YAML', 'aria-describedby': 'editor-help' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
}

/** Replaces the whole text (a reload from disk), keeping the cursor where it can. */
export function replaceText(view: EditorView, text: string): void {
  const head = Math.min(view.state.selection.main.head, text.length);
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: head } });
}
