// Maps offsets in a brief's description (what the compiler's spans count in) to offsets in the brief file's text, so
// the editor can highlight the words a fact was read from. The description is a YAML scalar: plain, quoted, literal
// (`|`) or folded (`>`), so its characters sit in the file with indentation, line breaks and escapes in between.
import { isMap, isScalar, parseDocument } from 'yaml';

/** `map(i)`: the file offset of description character `i` (`i` may be the length, for an end offset). */
export type DescriptionMap = (offset: number) => number;

/** How far ahead to look for a character before giving up on the alignment (escapes and indentation are short). */
const LOOKAHEAD = 400;

/**
 * Aligns the description's characters with the scalar's source: each non-blank character is found at or after the
 * previous one's place; blanks (which folding and indentation change) take the place they fall at. Undefined when the
 * text has no string `description` or the alignment fails (the text was not the one compiled).
 */
export function describeOffsets(text: string, description: string): DescriptionMap | undefined {
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(text, { keepSourceTokens: false });
  } catch {
    return undefined;
  }
  if (!isMap(document.contents)) return undefined;
  const pair = document.contents.items.find((item) => isScalar(item.key) && item.key.value === 'description');
  const node = pair?.value;
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start, valueEnd] = node.range;
  let cursor = start;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    // Skip the `|`/`>` header and whatever follows it on that line.
    const newline = text.indexOf('\n', start);
    cursor = newline < 0 ? valueEnd : newline + 1;
  } else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    cursor = start + 1;
  }
  const offsets = new Int32Array(description.length + 1);
  for (let i = 0; i < description.length; i++) {
    const char = description[i] as string;
    if (/\s/.test(char)) {
      offsets[i] = cursor;
      if (text[cursor] === char) cursor++;
      continue;
    }
    const limit = Math.min(valueEnd, cursor + LOOKAHEAD);
    let found = -1;
    for (let j = cursor; j < limit; j++) {
      if (text[j] === char) {
        found = j;
        break;
      }
    }
    if (found < 0) return undefined;
    offsets[i] = found;
    cursor = found + 1;
  }
  offsets[description.length] = cursor;
  return (offset) => offsets[Math.max(0, Math.min(description.length, offset))] as number;
}

/** A span of the description as file offsets: from its first character to just after its last. */
export function spanInText(map: DescriptionMap, span: { start: number; end: number }): { from: number; to: number } {
  if (span.end <= span.start) return { from: map(span.start), to: map(span.start) };
  return { from: map(span.start), to: map(span.end - 1) + 1 };
}
