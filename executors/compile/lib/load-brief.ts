// Parses a brief and reports every YAML and schema problem at once. The file is read (size and encoding checked) by
// `workspace/briefs.ts`, the YAML itself (limits, plain data only, control characters) by `core/brief-yaml.ts`, both
// shared with the run's brief discovery and the Nx plugin.
import { type Document, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { MAX_BRIEF_BYTES, parseBriefYaml } from '../../../core/brief-yaml.js';
import { inputError, type QlfIssue } from '../../../core/errors.js';
import { kebabCase } from '../../../core/naming.js';
import { zodIssues } from '../../../core/zod-issues.js';
import { type Brief, briefSchema } from '../../../schemas/brief.js';

export { MAX_BRIEF_BYTES };

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
  const { document, data, position } = parseBriefYaml(text, file);
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
