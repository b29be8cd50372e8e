// Parses one overlay file: YAML syntax, the overlay schema, regular expressions that compile, and a name that
// matches the file name. Returns every problem with its line and column instead of stopping at the first.
import { basename, extname } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { QlfIssue } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { zodIssues } from '../../core/zod-issues.js';
import { type Overlay, overlaySchema } from '../../schemas/overlay.js';
import type { LoadedOverlay } from './types.js';

export const E_OVERLAY_SCHEMA = 'E_OVERLAY_SCHEMA';

function locate(document: Document, lines: LineCounter, path: (string | number)[]): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

/** Every regular expression in the overlay, with the flags qlf compiles it with and where it sits. */
function patternsOf(overlay: Overlay): { path: (string | number)[]; pattern: string; flags: string }[] {
  return [
    ...overlay.detect.map((d, i) => ({ path: ['detect', i, 'pattern'], pattern: d.pattern, flags: 'i' })),
    ...overlay.classify.map((c, i) => ({ path: ['classify', i, 'match'], pattern: c.match, flags: '' })),
    ...overlay.rules.flatMap((rule, i) =>
      rule.check.kind === 'forbidden-pattern' || rule.check.kind === 'required-pattern'
        ? [{ path: ['rules', i, 'check', 'pattern'], pattern: rule.check.pattern, flags: 'm' }]
        : [],
    ),
  ];
}

function formatPath(path: (string | number)[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${key}`)).join('');
}

export function parseOverlay(
  file: string,
  bytes: Uint8Array,
  builtin: boolean,
): { loaded?: LoadedOverlay; issues: QlfIssue[] } {
  const text = Buffer.from(bytes).toString('utf8');
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      issues: document.errors.map((error) => ({
        code: E_OVERLAY_SCHEMA,
        message: `YAML syntax: ${error.message.split('\n')[0]}`,
        file,
        line: error.linePos?.[0].line,
        column: error.linePos?.[0].col,
        hint: 'Fix the YAML syntax (indentation, quoting, or a duplicate key) at this place.',
        severity: 'error' as const,
      })),
    };
  }
  const parsed = overlaySchema.safeParse(document.toJS());
  if (!parsed.success) {
    return {
      issues: zodIssues(parsed.error, {
        file,
        code: E_OVERLAY_SCHEMA,
        document,
        position: (offset) => lines.linePos(offset),
      }).map((issue) => ({
        ...issue,
        hint: issue.hint ?? 'Correct this value; the overlay schema is schemas/json/overlay.schema.json.',
      })),
    };
  }
  const overlay = parsed.data;
  const issues: QlfIssue[] = [];
  for (const { path, pattern, flags } of patternsOf(overlay)) {
    try {
      new RegExp(pattern, flags);
    } catch (error) {
      issues.push({
        code: E_OVERLAY_SCHEMA,
        message: `\`${formatPath(path)}\` is not a valid regular expression: ${(error as Error).message}`,
        file,
        ...locate(document, lines, path),
        path: formatPath(path),
        hint: 'Write a JavaScript regular expression; escape special characters such as ( [ . with a backslash.',
        severity: 'error',
      });
    }
  }
  const stem = basename(file, extname(file));
  if (overlay.name !== stem) {
    issues.push({
      code: E_OVERLAY_SCHEMA,
      message: `overlay \`${overlay.name}\` is in a file named ${basename(file)}`,
      file,
      ...locate(document, lines, ['name']),
      path: 'name',
      hint: `Rename the file to ${overlay.name}${extname(file)} or set \`name: ${stem}\`, so the overlay can be found by name.`,
      severity: 'error',
    });
  }
  if (issues.length > 0) return { issues };
  return { loaded: { overlay, file, digest: sha256(bytes), builtin }, issues };
}
