// What the plugin reads of a brief to make its project: the workspace's brief head (`name`, `uses`, explicit
// `overlays` and their places, read by workspace/briefs.ts as the engine reads them), with a brief whose YAML is broken
// or that has no name named after its folder.
import { readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { parseBriefYaml } from '../core/brief-yaml.js';
import { type BriefPlace, briefHeadOf } from '../workspace/briefs.js';

/** The workspace's brief head, with a name always set (a project needs one). */
export interface BriefHead {
  name: string;
  uses: string[];
  overlays: string[];
  /** 1-based line and column of `name`'s value, and of each `uses` entry, when the YAML parsed. */
  at: { name?: Place | undefined; uses: Map<string, Place> };
}

export type Place = BriefPlace;

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
    const head = briefHeadOf(parseBriefYaml(text, file));
    return {
      name: head.name ?? folderName(file),
      uses: head.uses,
      overlays: head.overlays,
      at: { name: head.name === undefined ? undefined : head.at.name, uses: head.at.uses },
    };
  } catch {
    return { name: folderName(file), uses: [], overlays: [], at: { uses: new Map() } };
  }
}
