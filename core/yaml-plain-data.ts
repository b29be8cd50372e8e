// What a parsed YAML document holds beyond plain data (mappings, sequences, strings, numbers, booleans, null): explicit
// tags such as `!!omap`, `!!set`, `!!binary`, `!!timestamp` or custom ones, mappings or sequences used as keys, and
// characters no text should hold. Each problem names its node's place, so the caller can locate it in the file.
import { type Document, isCollection, isPair, isScalar, isSeq, visit } from 'yaml';

export interface PlainDataProblem {
  kind: 'tag' | 'key' | 'char';
  /** Offset of the node in the source. */
  offset: number;
  /** Path of the node, e.g. `entities[0].name`. */
  path: string;
  message: string;
  hint: string;
}

const CORE = 'tag:yaml.org,2002:';
/** Explicit tags that name a plain type: the YAML 1.2 core schema's, and `!` (non-specific: a string). */
const PLAIN_TAGS = new Set(['!', ...['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `${CORE}${t}`)]);

/** C0 controls but tab, LF and CR; DEL; C1 controls; unpaired surrogates; noncharacters (U+FDD0–U+FDEF, U+xxFFFE/F). */
const UNSAFE_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\p{Cs}\p{Noncharacter_Code_Point}]/u;
const UNSAFE_CHARS = new RegExp(UNSAFE_CHAR.source, 'gu');

const hex = (cp: number, width: number) => cp.toString(16).toUpperCase().padStart(width, '0');
/** How the character is written in a double-quoted YAML string. */
const escapeOf = (cp: number) => (cp > 0xffff ? `\\U${hex(cp, 8)}` : `\\u${hex(cp, 4)}`);

function describeChar(cp: number): string {
  const code = `U+${hex(cp, 4)}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `the unpaired surrogate ${code}`;
  return cp <= 0x9f ? `the control character ${code}` : `the noncharacter ${code}`;
}

/** `text` with every unsafe character escaped, fit for a message. */
function printable(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => escapeOf(c.codePointAt(0) ?? 0));
}

/** `!!omap` for core tags, the tag itself otherwise. */
const shortTag = (tag: string) => (tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag);

/** The path of `node` below the document, in the form zod issues use (`entities[0].fields[1].name`). */
function pathOf(ancestors: readonly unknown[], node: unknown): string {
  const chain = [...ancestors, node];
  let path = '';
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    if (isSeq(parent)) path += `[${parent.items.indexOf(chain[i] as never)}]`;
    else if (isPair(parent) && isScalar(parent.key) && chain[i] === parent.value) {
      path += `${path ? '.' : ''}${printable(String(parent.key.value))}`;
    }
  }
  return path;
}

const where = (path: string) => (path ? `\`${path}\`` : 'the document');

/** The nodes of `document` that are not plain data, in document order; at most `limit` (a list of a million is noise). */
export function plainDataProblems(document: Document, limit = 100): PlainDataProblem[] {
  const problems: PlainDataProblem[] = [];
  visit(document, {
    Pair: (_key, pair, ancestors) => {
      if (problems.length >= limit) return visit.BREAK;
      if (!isCollection(pair.key)) return;
      const path = pathOf(ancestors, pair);
      problems.push({
        kind: 'key',
        offset: pair.key.range?.[0] ?? 0,
        path,
        message: `${where(path)} has a mapping or sequence as a key`,
        hint: 'Use a plain string as the key.',
      });
    },
    Node: (key, node, ancestors) => {
      if (problems.length >= limit) return visit.BREAK;
      const offset = node.range?.[0] ?? 0;
      if (node.tag && !PLAIN_TAGS.has(node.tag)) {
        const tag = shortTag(node.tag);
        const path = pathOf(ancestors, node);
        problems.push({
          kind: 'tag',
          offset,
          path,
          message: `${where(path)} has the YAML tag ${tag}: a brief holds only mappings, sequences, strings, numbers, booleans and null`,
          hint: isCollection(node)
            ? `Remove \`${tag}\` and write a plain mapping (\`key: value\`) or sequence (\`- item\`).`
            : `Remove \`${tag}\` and write the value as plain text (quoted, to keep a date or number as text).`,
        });
      }
      if (!isScalar(node) || typeof node.value !== 'string') return;
      const bad = UNSAFE_CHAR.exec(node.value);
      if (!bad) return;
      const cp = bad[0].codePointAt(0) ?? 0;
      // Only for a problem: the path costs a walk up the ancestors, too much for every node of a long list.
      const path = pathOf(ancestors, node);
      const what = key === 'key' ? `the key "${printable(node.value)}"` : where(path);
      problems.push({
        kind: 'char',
        offset,
        path,
        message: `${what} holds ${describeChar(cp)}`,
        hint: `Remove it (in a double-quoted string it is written \`${escapeOf(cp)}\`): a brief holds printable text, tabs and line breaks only.`,
      });
    },
  });
  return problems;
}
