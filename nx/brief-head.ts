// What the plugin reads of a brief to make its project: `name`, `uses` and explicit `overlays`, with where `name` and
// each use are (to report a problem at its line). A brief whose YAML is broken is named after its folder.
import { readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { parseBriefYaml } from '../core/brief-yaml.js';

export interface BriefHead {
  name: string;
  uses: string[];
  overlays: string[];
  /** 1-based line and column of `name`'s value, and of each `uses` entry, when the YAML parsed. */
  at: { name?: Place; uses: Map<string, Place> };
}

export interface Place {
  line: number;
  column: number;
}

const folderName = (file: string) => dirname(file).split(sep).pop() || 'brief';

/** The head of the brief file at `file`. */
export function readBriefHead(file: string): BriefHead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { name: folderName(file), uses: [], overlays: [], at: { uses: new Map() } };
  }
  return parseBriefHead(text, file);
}

/** A brief's head; a brief whose YAML is broken is named after its folder (compile reports the YAML error). */
export function parseBriefHead(text: string, file: string): BriefHead {
  try {
    const parsed = parseBriefYaml(text, file);
    const data = parsed.data as Record<string, unknown> | null;
    const place = (path: (string | number)[]): Place | undefined => {
      const node = parsed.document.getIn(path, true) as { range?: [number, number, number] } | undefined;
      if (!node?.range) return undefined;
      const { line, col } = parsed.position(node.range[0]);
      return { line, column: col };
    };
    const list = (value: unknown) =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const uses = new Map<string, Place>();
    list(data?.uses).forEach((used, index) => {
      const at = place(['uses', index]);
      if (at && !uses.has(used)) uses.set(used, at);
    });
    const named = typeof data?.name === 'string' && data.name !== '';
    return {
      name: named ? (data?.name as string) : folderName(file),
      uses: [...new Set(list(data?.uses))].sort(),
      overlays: list(data?.overlays),
      at: { name: named ? place(['name']) : undefined, uses },
    };
  } catch {
    return { name: folderName(file), uses: [], overlays: [], at: { uses: new Map() } };
  }
}
