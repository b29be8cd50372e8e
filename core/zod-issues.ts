// Turns zod errors into located QlfIssues; with a YAML document, each issue gets the line and column of its node.
import type { Document } from 'yaml';
import type { z } from 'zod';
import type { QlfIssue } from './errors.js';

export interface ZodIssueOptions {
  file?: string;
  code: string;
  /** Parsed YAML document, to locate each issue. */
  document?: Document;
  /** Maps a character offset in the source to line and column. */
  position?: (offset: number) => { line: number; col: number };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function hintFor(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_value':
      return `Use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'unrecognized_keys':
      return `Remove ${issue.keys.map((k) => `\`${k}\``).join(', ')}, or check the spelling against the schema.`;
    case 'invalid_type':
      return `Give a value of type ${issue.expected}.`;
    default:
      return undefined;
  }
}

export function zodIssues(error: z.ZodError, options: ZodIssueOptions): QlfIssue[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    let line: number | undefined;
    let column: number | undefined;
    if (options.document && options.position) {
      // Walk up the path until a node exists (a missing key is reported on its parent).
      for (let depth = issue.path.length; depth >= 0; depth--) {
        const node = options.document.getIn(issue.path.slice(0, depth) as unknown[], true) as
          | { range?: [number, number, number] }
          | undefined;
        const keyed = depth === issue.path.length && issue.code === 'unrecognized_keys';
        if (node?.range && !keyed) {
          const pos = options.position(node.range[0]);
          line = pos.line;
          column = pos.col;
          break;
        }
        if (depth === 0) {
          const pos = options.position(options.document.contents?.range?.[0] ?? 0);
          line = pos.line;
          column = pos.col;
        }
      }
    }
    return {
      code: options.code,
      message: `${path ? `\`${path}\` ` : ''}${issue.message}`,
      file: options.file,
      line,
      column,
      path,
      hint: hintFor(issue),
      severity: 'error' as const,
    };
  });
}
