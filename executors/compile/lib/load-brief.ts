// Reads a brief: refuses oversized or binary input before parsing, then reports every YAML and schema problem at once.
import { readFile, stat } from 'node:fs/promises';
import { type Document, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { inputError, type QlfIssue } from '../../../core/errors.js';
import { zodIssues } from '../../../core/zod-issues.js';
import { type Brief, briefSchema } from '../../../schemas/brief.js';
import { kebabCase } from './naming.js';

/** Largest brief file accepted: a brief is a page of prose plus a few fields, not a data dump. */
export const MAX_BRIEF_BYTES = 1024 * 1024;

const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'Remove one of the two keys; each key may appear once per mapping.',
  BAD_INDENT: 'Indent nested keys consistently with spaces.',
  TAB_AS_INDENT: 'Indent with spaces; YAML does not allow tabs for indentation.',
  MULTIPLE_DOCS: 'Keep one document per brief file (remove the extra `---`).',
  MISSING_CHAR: 'Close the quote or bracket that was opened.',
  BLOCK_AS_IMPLICIT_KEY: 'Put a space after the colon, or quote the value.',
  MULTILINE_IMPLICIT_KEY: 'Quote the value, or use `|` for multi-line text.',
};

function tooLarge(bytes: number, file?: string): never {
  throw inputError('E_BRIEF_TOO_LARGE', `${file ?? 'brief'} is ${bytes} bytes; the limit is ${MAX_BRIEF_BYTES} bytes`, {
    hint: 'Shorten the description to the essentials (a few paragraphs); long specifications belong in linked documents.',
    issues: [
      {
        code: 'E_BRIEF_TOO_LARGE',
        message: `brief is ${bytes} bytes; the limit is ${MAX_BRIEF_BYTES} bytes`,
        file,
        line: 1,
        column: 1,
        hint: 'Shorten the description to a few paragraphs.',
      },
    ],
  });
}

function binary(file: string | undefined, why: string, offset: number, text?: string): never {
  const before = text?.slice(0, offset) ?? '';
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  const issue: QlfIssue = {
    code: 'E_BRIEF_BINARY',
    message: `brief is not text: ${why}`,
    file,
    line,
    column,
    hint: 'Save the brief as plain UTF-8 YAML text.',
  };
  throw inputError('E_BRIEF_BINARY', `${file ?? 'brief'} is not text: ${why}`, { hint: issue.hint, issues: [issue] });
}

/** Reads a brief file's text, refusing oversized or binary files before anything parses them. */
export async function readBriefFile(path: string, displayName = path): Promise<{ text: string; file: string }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw inputError('E_BRIEF_NOT_FOUND', `cannot read brief ${displayName}`, {
      hint: 'Check the path; briefs are named `brief.qlf.yaml`.',
    });
  }
  if (size > MAX_BRIEF_BYTES) tooLarge(size, displayName);
  const bytes = await readFile(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Point at the first byte that does not decode, in the text as a lenient decoder sees it.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    return binary(displayName, 'it is not valid UTF-8', Math.max(0, lenient.indexOf('\uFFFD')), lenient);
  }
  return { text, file: displayName };
}

/** Reads and parses a brief file. */
export async function loadBriefFile(path: string, displayName = path): Promise<Brief> {
  const { text, file } = await readBriefFile(path, displayName);
  return parseBrief(text, file);
}

/** Line and column of the YAML node at `path` in `text`, when it exists. */
export function locateInBrief(text: string, path: (string | number)[]): { line: number; column: number } | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
  if (!node?.range) return undefined;
  const pos = lineCounter.linePos(node.range[0]);
  return { line: pos.line, column: pos.col };
}

/** Moves "unrecognized key" issues from the mapping onto the offending key itself. */
function locateUnknownKeys(
  issue: QlfIssue,
  document: Document,
  position: (offset: number) => { line: number; col: number },
): QlfIssue {
  const key = /^(?:`[^`]*` )?Unrecognized keys?: "([^"]+)"/.exec(issue.message)?.[1];
  if (!key) return issue;
  const parentPath = (issue.path ?? '')
    .split(/\.|\[|\]/)
    .filter((p) => p.length > 0)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const parent = parentPath.length === 0 ? document.contents : document.getIn(parentPath, true);
  if (!isMap(parent)) return issue;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
  const range = isScalar(pair?.key) ? pair.key.range : undefined;
  if (!range) return issue;
  const pos = position(range[0]);
  return { ...issue, line: pos.line, column: pos.col };
}

/** A suggestion for a bad `name`: the value as a DNS-1123 label. */
function suggestName(value: unknown): string {
  const label = kebabCase(String(value ?? ''))
    .slice(0, 63)
    .replace(/-+$/, '');
  return label.length > 0 ? label : 'my-service';
}

function hintForPath(path: string, data: Record<string, unknown>): string | undefined {
  if (path === 'name') return `Use a DNS-1123 label, e.g. \`name: ${suggestName(data.name)}\`.`;
  if (path === 'description')
    return 'Describe the service in a few sentences (what it stores, who uses it, any compliance).';
  if (path === 'apiVersion') return 'Add `apiVersion: qlf.dev/v1` at the top of the brief.';
  if (path === 'kind') return 'Set `kind: Brief`.';
  return undefined;
}

/** Parses brief YAML text; throws one input error listing every problem with its line and column. */
export function parseBrief(text: string, file?: string): Brief {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BRIEF_BYTES) tooLarge(bytes, file);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) binary(file, 'it contains NUL bytes', nul, text);
  const replacement = text.indexOf('\uFFFD');
  if (replacement >= 0) binary(file, 'it contains undecodable bytes (U+FFFD)', replacement, text);

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const position = (offset: number) => lineCounter.linePos(offset);
  if (document.errors.length > 0) {
    const issues: QlfIssue[] = document.errors.map((error) => {
      const pos = error.linePos?.[0] ?? position(error.pos[0]);
      return {
        code: 'E_BRIEF_YAML',
        message: (error.message.split('\n')[0] ?? error.message).replace(/\s+at line \d+, column \d+:?\s*$/, ''),
        file,
        line: pos.line,
        column: pos.col,
        hint: /end with an? [\]}"']/.test(error.message)
          ? 'Close the bracket or quote opened before this place.'
          : (YAML_HINTS[error.code] ?? 'Fix the YAML syntax at this place (check indentation, colons and quotes).'),
      };
    });
    throw inputError('E_BRIEF_YAML', `${file ?? 'brief'} is not valid YAML`, { issues });
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    throw inputError('E_BRIEF_YAML', `${file ?? 'brief'}: ${(error as Error).message}`, {
      issues: [
        {
          code: 'E_BRIEF_YAML',
          message: (error as Error).message,
          file,
          line: 1,
          column: 1,
          hint: 'Remove YAML aliases (`*name`); write values out.',
        },
      ],
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const what = data === null || data === undefined ? 'empty' : Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    const pos = position(document.contents?.range?.[0] ?? 0);
    const issue: QlfIssue = {
      code: 'E_BRIEF_SHAPE',
      message: `brief must be a mapping of keys (apiVersion, kind, name, description, ...), but it is ${what}`,
      file,
      line: pos.line,
      column: pos.col,
      hint: 'Start the file with `apiVersion: qlf.dev/v1`, `kind: Brief`, `name: <name>` and `description: ...`.',
    };
    throw inputError('E_BRIEF_SHAPE', issue.message, { hint: issue.hint, issues: [issue] });
  }
  const parsed = briefSchema.safeParse(data);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, { file, code: 'E_BRIEF_SCHEMA', document, position }).map((raw) => {
      const issue = locateUnknownKeys(raw, document, position);
      return {
        ...issue,
        hint:
          hintForPath(issue.path ?? '', data as Record<string, unknown>) ??
          issue.hint ??
          'See schemas/json/brief.schema.json for the accepted fields and values.',
      };
    });
    throw inputError(
      'E_BRIEF_SCHEMA',
      `${file ?? 'brief'} does not match the brief schema (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
      { issues },
    );
  }
  return parsed.data;
}
