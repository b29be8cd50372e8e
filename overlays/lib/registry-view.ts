// The overlay registry as a task hash sees it: every overlay file's digest, and of each overlay in effect only what
// detection reads (name, type, detect) plus `requires`. Outlines come from a memo by file name and digest, so a run
// whose overlay files are known parses none of them (and never loads the YAML parser).
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { canonicalJson } from '../../core/canonical-json.js';
import { sha256 } from '../../core/hash.js';
import type { Overlay } from '../../schemas/overlay.js';
import { builtinOverlayDir } from './builtin-overlay-dir.js';

/** What choosing a brief's overlays reads of one overlay. */
export type OverlayOutline = Pick<Overlay, 'name' | 'type' | 'detect' | 'requires'>;

/** Outlines by `outlineKey`; `null` records a file that does not parse. */
export interface OutlineMemo {
  get(key: string): OverlayOutline | null | undefined;
  set(key: string, outline: OverlayOutline | null): void;
}

export interface RegistryView {
  /** Whether `loadOverlayRegistry` would succeed: every folder exists, every file parses, no workspace name twice. */
  loads: boolean;
  /** The overlays in effect, sorted by name (a workspace overlay replaces a built-in one of the same name). */
  overlays: { outline: OverlayOutline; digest: string }[];
  byName: Map<string, { outline: OverlayOutline; digest: string }>;
  /** `overlay <source>/<file> <digest>` for every file, and every missing folder: a change anywhere changes them. */
  fileLines: string[];
  /** sha256 of what detection reads of every overlay in effect. */
  detectionDigest: string;
}

const OVERLAY_EXTENSIONS = new Set(['.yaml', '.yml']);

/** An outline depends only on the file's bytes and its name (which must match the overlay's). */
export function outlineKey(file: string, digest: string): string {
  return `${basename(file)} ${digest}`;
}

async function overlayFiles(dir: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && OVERLAY_EXTENSIONS.has(extname(entry.name)))
      .map((entry) => join(dir, entry.name))
      .sort();
  } catch {
    return undefined;
  }
}

async function outlineOf(file: string, bytes: Uint8Array, builtin: boolean): Promise<OverlayOutline | null> {
  const { parseOverlay } = await import('./parse-overlay.js');
  const overlay = parseOverlay(file, bytes, builtin).loaded?.overlay;
  return overlay
    ? { name: overlay.name, type: overlay.type, detect: overlay.detect, requires: overlay.requires }
    : null;
}

/** Reads the built-in catalogue and `dirs` (absolute) the way `loadOverlayRegistry` does, parsing only unknown files. */
export async function registryView(dirs: string[], memo: OutlineMemo): Promise<RegistryView> {
  const sources = [
    { dir: builtinOverlayDir(), builtin: true },
    ...dirs.map((dir) => ({ dir: resolve(dir), builtin: false })),
  ];
  const fileLines: string[] = [];
  const effective = new Map<string, { outline: OverlayOutline; digest: string; builtin: boolean }>();
  let loads = true;
  for (const [index, { dir, builtin }] of sources.entries()) {
    const files = await overlayFiles(dir);
    if (files === undefined) {
      fileLines.push(`overlay-dir ${index} missing`);
      loads = false;
      continue;
    }
    for (const file of files) {
      const bytes = readFileSync(file);
      const digest = sha256(bytes);
      fileLines.push(`overlay ${index}/${basename(file)} ${digest}`);
      const key = outlineKey(file, digest);
      let outline = memo.get(key);
      if (outline === undefined) {
        outline = await outlineOf(file, bytes, builtin);
        memo.set(key, outline);
      }
      if (outline === null || (!builtin && effective.get(outline.name)?.builtin === false)) {
        loads = false;
        continue;
      }
      effective.set(outline.name, { outline, digest, builtin });
    }
  }
  const overlays = [...effective.values()]
    .map(({ outline, digest }) => ({ outline, digest }))
    .sort((a, b) => (a.outline.name < b.outline.name ? -1 : a.outline.name > b.outline.name ? 1 : 0));
  const detection = overlays.map(({ outline }) => ({ name: outline.name, type: outline.type, detect: outline.detect }));
  return {
    loads,
    overlays,
    byName: new Map(overlays.map((entry) => [entry.outline.name, entry])),
    fileLines,
    detectionDigest: sha256(canonicalJson(detection)),
  };
}

/** `names` with every overlay they require, transitively; names the registry does not know are kept as they are. */
export function withRequired(names: readonly string[], view: RegistryView): string[] {
  const members = new Set<string>();
  const visit = (name: string) => {
    if (members.has(name)) return;
    members.add(name);
    for (const required of view.byName.get(name)?.outline.requires ?? []) visit(required);
  };
  for (const name of names) visit(name);
  return [...members].sort();
}
