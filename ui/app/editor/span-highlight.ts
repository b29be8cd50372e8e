// A highlighted stretch of the brief: the words a fact of the preview was read from, shown when the user asks.
import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView } from '@codemirror/view';

export const setHighlight = StateEffect.define<{ from: number; to: number } | null>();

const mark = Decoration.mark({ class: 'cm-read-from', attributes: { title: 'read from here' } });

export const highlightField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, transaction) {
    let next = value.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setHighlight)) continue;
      next =
        effect.value && effect.value.to > effect.value.from
          ? Decoration.set([mark.range(effect.value.from, effect.value.to)])
          : Decoration.none;
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** Highlights `from`–`to` and scrolls it into the middle of the editor. */
export function highlightSpan(view: EditorView, from: number, to: number): void {
  const length = view.state.doc.length;
  const range = { from: Math.max(0, Math.min(from, length)), to: Math.max(0, Math.min(to, length)) };
  view.dispatch({ effects: [setHighlight.of(range), EditorView.scrollIntoView(range.from, { y: 'center' })] });
}
