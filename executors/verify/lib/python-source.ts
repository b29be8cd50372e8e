// Light reading of generated Python by line: class blocks, column definitions and FastAPI route decorators.
// The generators follow fixed conventions (see the overlay-rules runner), so patterns suffice; no Python parser is needed.
import { lineAt } from './service-files.js';

export interface ClassBlock {
  name: string;
  /** 1-based line of `class`. */
  line: number;
  /** The block's lines with their 1-based numbers, the `class` line included. */
  lines: Array<{ line: number; text: string }>;
}

/** Top-level classes of a module. */
export function classBlocks(source: string): ClassBlock[] {
  const blocks: ClassBlock[] = [];
  let current: ClassBlock | undefined;
  source.split(/\r?\n/).forEach((text, index) => {
    const header = /^class\s+([A-Za-z_]\w*)\s*[(:]/.exec(text);
    if (header) {
      current = { name: header[1]!, line: index + 1, lines: [] };
      blocks.push(current);
    } else if (current && /^\S/.test(text) && !text.startsWith('#') && !text.startsWith(')')) {
      current = undefined;
    }
    current?.lines.push({ line: index + 1, text });
  });
  return blocks;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Line of a plain SQLAlchemy column named `field` (`field = Column(` or `field: Mapped[...] = mapped_column(`). */
export function columnLines(lines: ClassBlock['lines'], field: string): number[] {
  const pattern = new RegExp(`^\\s+${escapeRegExp(field)}\\s*(:[^=]*)?=\\s*(sa\\.)?(Column|mapped_column)\\(`);
  return lines.filter(({ text }) => pattern.test(text)).map(({ line }) => line);
}

/** Line of a pydantic attribute named `field` (`field: type` at class level). */
export function attributeLines(lines: ClassBlock['lines'], field: string): number[] {
  const pattern = new RegExp(`^\\s+${escapeRegExp(field)}\\s*:`);
  return lines.filter(({ text }) => pattern.test(text)).map(({ line }) => line);
}

/** Lines of a SQL column definition named `field` inside CREATE/ALTER TABLE statements. */
export function sqlColumnLines(sql: string, field: string): number[] {
  const definition = new RegExp(`^\\s*(ADD\\s+(COLUMN\\s+)?)?["\`]?${escapeRegExp(field)}["\`]?\\s+[A-Za-z]`, 'i');
  const alter = new RegExp(`\\bADD\\s+(COLUMN\\s+)?["\`]?${escapeRegExp(field)}["\`]?\\s+[A-Za-z]`, 'i');
  const result: number[] = [];
  sql.split(/\r?\n/).forEach((text, index) => {
    if (definition.test(text) || alter.test(text)) result.push(index + 1);
  });
  return result;
}

export interface RouteDecl {
  method: string;
  /** Full path: router prefix + decorator path. */
  path: string;
  line: number;
}

/** FastAPI routes declared in one module: `@router.get("/x")`, `@app.post(...)`, with `APIRouter(prefix=...)`. */
export function routes(source: string): RouteDecl[] {
  const prefixes = new Map<string, string>();
  for (const match of source.matchAll(/^(\w+)\s*=\s*(?:fastapi\.)?APIRouter\(([^)]*)\)/gm)) {
    const prefix = /prefix\s*=\s*["']([^"']*)["']/.exec(match[2]!);
    prefixes.set(match[1]!, prefix?.[1] ?? '');
  }
  const result: RouteDecl[] = [];
  // The path may sit on the line after `@router.get(` when the decorator is wrapped.
  for (const match of source.matchAll(
    /^[ \t]*@(\w+)\.(get|post|put|patch|delete|head|options)\(\s*["']([^"']*)["']/gm,
  )) {
    const prefix = prefixes.get(match[1]!) ?? '';
    const line = lineAt(source, match.index + match[0].indexOf('@'));
    result.push({ method: match[2]!.toUpperCase(), path: `${prefix}${match[3]}` || '/', line });
  }
  return result;
}
