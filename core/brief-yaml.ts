// The one reader of brief YAML (compile, the run's brief discovery and the Nx plugin all go through it): text → plain
// data, or one input error listing every problem with its place. It refuses what a brief cannot hold and what would
// exhaust the process: oversized or binary text, nesting deeper than MAX_YAML_DEPTH (stopped while parsing, before the
// recursive composer sees it), alias bombs, YAML types other than plain data, and control characters.
import { Composer, CST, type Document, Lexer, LineCounter, Parser, visit, type YAMLError, YAMLParseError } from 'yaml';
import { inputError, type QlfError, type QlfIssue } from './errors.js';
import { plainDataProblems } from './yaml-plain-data.js';

/** Largest brief accepted: a brief is a page of prose plus a few fields, not a data dump. */
export const MAX_BRIEF_BYTES = 1024 * 1024;
/** Deepest nesting of mappings and sequences accepted; a real brief needs about five. */
export const MAX_YAML_DEPTH = 64;
/** Most alias expansions (`*name`) accepted, against "billion laughs" documents. */
export const MAX_YAML_ALIASES = 50;

/** YAML 1.2 core types only: no `!!omap`/`!!set`/`!!binary`/`!!timestamp` resolution, no `<<` merge keys. */
const PARSE_OPTIONS = { schema: 'core', resolveKnownTags: false, merge: false, uniqueKeys: true } as const;

const SYNTAX_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'Remove one of the two keys; each key may appear once per mapping.',
  BAD_INDENT: 'Indent nested keys consistently with spaces.',
  TAB_AS_INDENT: 'Indent with spaces; YAML does not allow tabs for indentation.',
  MULTIPLE_DOCS: 'Keep one document per brief file (remove the extra `---`).',
  MISSING_CHAR: 'Close the quote or bracket that was opened.',
  BLOCK_AS_IMPLICIT_KEY: 'Put a space after the colon, or quote the value.',
  MULTILINE_IMPLICIT_KEY: 'Quote the value, or use `|` for multi-line text.',
};

const PLAIN_CODES = { tag: 'E_BRIEF_YAML_TYPE', key: 'E_BRIEF_YAML_TYPE', char: 'E_BRIEF_CONTROL_CHAR' } as const;

type Position = (offset: number) => { line: number; col: number };

export interface BriefYaml {
  document: Document.Parsed;
  /** Plain JSON data: objects, arrays, strings, numbers, booleans and null. */
  data: unknown;
  /** Line and column (1-based) of an offset in the text. */
  position: Position;
}

/** One located problem as the error of its own code. */
function located(issue: QlfIssue, message: string): QlfError {
  return inputError(issue.code, message, { hint: issue.hint, issues: [issue] });
}

/** A brief over MAX_BRIEF_BYTES, refused before anything parses it. */
export function briefTooLarge(bytes: number, file?: string): QlfError {
  const issue: QlfIssue = {
    code: 'E_BRIEF_TOO_LARGE',
    message: `brief is ${bytes} bytes; the limit is ${MAX_BRIEF_BYTES} bytes`,
    file,
    line: 1,
    column: 1,
    hint: 'Shorten the description to a few paragraphs; long specifications belong in linked documents.',
  };
  return located(issue, `${file ?? 'brief'} is ${bytes} bytes; the limit is ${MAX_BRIEF_BYTES} bytes`);
}

/** A brief that is not text, located at `offset` of `text`. */
export function briefNotText(file: string | undefined, why: string, offset: number, text = ''): QlfError {
  const before = text.slice(0, offset);
  const issue: QlfIssue = {
    code: 'E_BRIEF_BINARY',
    message: `brief is not text: ${why}`,
    file,
    line: before.split('\n').length,
    column: offset - (before.lastIndexOf('\n') + 1) + 1,
    hint: 'Save the brief as plain UTF-8 YAML text.',
  };
  return located(issue, `${file ?? 'brief'} is not text: ${why}`);
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * The parser's tokens; stops with E_BRIEF_TOO_DEEP as soon as collections nest deeper than MAX_YAML_DEPTH. Records the
 * offset of every tag in `tags`: a parsed node knows where its value starts, not where its tag is.
 */
function* tokensWithinDepth(text: string, lineCounter: LineCounter, tags: number[], file?: string) {
  const parser = new Parser(lineCounter.addNewLine);
  // What `Parser.parse` does before its own lexing loop, which this one replaces to check the depth per lexeme.
  lineCounter.addNewLine(0);
  let scalarContent = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (!scalarContent && lexeme.startsWith('!')) tags.push(parser.offset);
    scalarContent = lexeme === CST.SCALAR;
    yield* parser.next(lexeme);
    if (parser.stack.length <= MAX_YAML_DEPTH) continue;
    const collections = parser.stack.filter((token) => COLLECTIONS.has(token.type));
    if (collections.length <= MAX_YAML_DEPTH) continue;
    const pos = lineCounter.linePos(collections.at(-1)?.offset ?? parser.offset);
    const issue: QlfIssue = {
      code: 'E_BRIEF_TOO_DEEP',
      message: `mappings and sequences nest deeper than ${MAX_YAML_DEPTH} levels here`,
      file,
      line: pos.line,
      column: pos.col,
      hint: `Flatten the brief (a brief needs a handful of levels, at most ${MAX_YAML_DEPTH}), or close the \`[\` and \`{\` opened before this place.`,
    };
    throw located(issue, `${file ?? 'brief'} nests deeper than ${MAX_YAML_DEPTH} levels`);
  }
  yield* parser.end();
}

/** `parseDocument`, with the depth limit applied while parsing: the composer recurses, the parser does not. */
function composeDocument(text: string, lineCounter: LineCounter, tags: number[], file?: string): Document.Parsed {
  const tokens = tokensWithinDepth(text, lineCounter, tags, file);
  let document: Document.Parsed | undefined;
  for (const next of new Composer(PARSE_OPTIONS).compose(tokens, true, text.length)) {
    if (!document) document = next;
    else {
      const range: [number, number] = [next.range[0], next.range[1]];
      document.errors.push(new YAMLParseError(range, 'MULTIPLE_DOCS', 'the file holds more than one YAML document'));
      break;
    }
  }
  // compose(…, forceDoc = true) yields a document even for empty text
  return document as Document.Parsed;
}

function syntaxIssue(error: YAMLError, file: string | undefined, position: Position): QlfIssue & { offset: number } {
  const pos = position(error.pos[0]);
  return {
    code: 'E_BRIEF_YAML',
    message: error.message.split('\n')[0] ?? error.message,
    file,
    line: pos.line,
    column: pos.col,
    hint: /end with an? [\]}"']/.test(error.message)
      ? 'Close the bracket or quote opened before this place.'
      : (SYNTAX_HINTS[error.code] ?? 'Fix the YAML syntax at this place (check indentation, colons and quotes).'),
    offset: error.pos[0],
  };
}

/** The document as plain data, with alias expansion bounded; a bomb or an expansion too deep is located at an alias. */
function toData(document: Document.Parsed, file: string | undefined, position: Position): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    let offset = 0;
    visit(document, {
      Alias: (_key, node) => {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const pos = position(offset);
    const deep = error instanceof RangeError;
    const issue: QlfIssue = {
      code: deep ? 'E_BRIEF_TOO_DEEP' : 'E_BRIEF_YAML_ALIASES',
      message: deep
        ? 'the aliases (`*name`) expand to nesting too deep to read'
        : `the aliases (\`*name\`) expand to more than ${MAX_YAML_ALIASES} copies`,
      file,
      line: pos.line,
      column: pos.col,
      hint: 'Write the values out instead of repeating them with aliases (`&name` … `*name`).',
    };
    throw located(issue, `${file ?? 'brief'}: ${issue.message}`);
  }
}

/** Parses brief text into plain data; throws one input error listing every YAML problem with its line and column. */
export function parseBriefYaml(text: string, file?: string): BriefYaml {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BRIEF_BYTES) throw briefTooLarge(bytes, file);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw briefNotText(file, 'it contains NUL bytes', nul, text);
  const replacement = text.indexOf('\uFFFD');
  if (replacement >= 0) throw briefNotText(file, 'it contains undecodable bytes (U+FFFD)', replacement, text);

  const lineCounter = new LineCounter();
  const position: Position = (offset) => lineCounter.linePos(offset);
  const tags: number[] = [];
  const document = composeDocument(text, lineCounter, tags, file);
  // A tagged node is located at its tag: the last one before where its value starts.
  const tagOf = (offset: number) => tags.findLast((tag) => tag <= offset) ?? offset;
  const issues = [
    ...document.errors.map((error) => syntaxIssue(error, file, position)),
    ...plainDataProblems(document).map(({ kind, path, message, hint, ...node }) => {
      const offset = kind === 'tag' ? tagOf(node.offset) : node.offset;
      const pos = position(offset);
      return { code: PLAIN_CODES[kind], message, file, line: pos.line, column: pos.col, path, hint, offset };
    }),
  ]
    .sort((a, b) => a.offset - b.offset)
    .map(({ offset: _offset, ...issue }): QlfIssue => issue);
  if (issues.length > 0) {
    const syntax = issues.some((issue) => issue.code === 'E_BRIEF_YAML');
    const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    throw inputError(
      syntax ? 'E_BRIEF_YAML' : (issues[0] as QlfIssue).code,
      syntax ? `${file ?? 'brief'} is not valid YAML` : `${file ?? 'brief'} holds more than plain YAML data (${count})`,
      { issues },
    );
  }
  return { document, data: toData(document, file, position), position };
}
