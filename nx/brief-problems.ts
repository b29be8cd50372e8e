// Why a brief cannot be a project, located in its file, as `qlf` reports it: a name that is not a DNS-1123 label, a
// name another brief already has, a `uses` naming no brief. Each is reported for its own file (Nx prints them per
// file); the other briefs stay projects.
import { dnsLabel } from '../schemas/common.js';
import type { BriefHead, Place } from './brief-head.js';

export const isDnsLabel = (name: string) => dnsLabel.safeParse(name).success;

/** Folder by folder, so `payments/` comes before `payments-copy/` (plain string order puts "-" before "/"). */
function byFolders(a: string, b: string): number {
  const [left, right] = [a.split('/'), b.split('/')];
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    if (left[i] !== right[i]) return (left[i] ?? '') < (right[i] ?? '') ? -1 : 1;
  }
  return left.length - right.length;
}

/**
 * The project of each valid name. When briefs share a name, the one in a folder of that name keeps it (a copied
 * brief does not take the project from the original), else the first by path. A name that is not a DNS label has no
 * owner (it names the output folder: `../../evil` would write outside it).
 */
export function nameOwners(briefs: ReadonlyMap<string, BriefHead>): Map<string, string> {
  const owners = new Map<string, string>();
  const inOwnFolder = (file: string) => file.split('/').at(-2) === briefs.get(file)?.name;
  const order = [...briefs.keys()].sort((a, b) => Number(inOwnFolder(b)) - Number(inOwnFolder(a)) || byFolders(a, b));
  for (const file of order) {
    const { name } = briefs.get(file) as BriefHead;
    if (!owners.has(name) && isDnsLabel(name)) owners.set(name, file);
  }
  return owners;
}

/** The problems of the brief in `file`, one Error naming each with its place, code and fix; undefined when none. */
export function briefProblems(file: string, brief: BriefHead, owners: Map<string, string>): Error | undefined {
  const problems: string[] = [];
  const at = (place: Place | undefined) => (place ? `${file}:${place.line}:${place.column}` : file);
  if (!isDnsLabel(brief.name)) {
    problems.push(
      `${at(brief.at.name)}: E_BRIEF_NAME name "${brief.name}" is not a DNS-1123 label (it names the project and ` +
        'its output folder)\n  fix: use lowercase letters, digits and "-", e.g. `name: payments`',
    );
  } else if (owners.get(brief.name) !== file) {
    problems.push(
      `${at(brief.at.name)}: E_BRIEF_DUPLICATE two briefs are named "${brief.name}": ${owners.get(brief.name)} ` +
        `and ${file}\n  fix: brief names are project names and output folders; rename one of them`,
    );
  }
  for (const used of brief.uses.filter((name) => !owners.has(name))) {
    problems.push(
      `${at(brief.at.uses.get(used))}: E_GRAPH_UNKNOWN_USES brief "${brief.name}" uses "${used}", which no brief is ` +
        `named\n  fix: use one of: ${[...owners.keys()].sort().join(', ') || '(no briefs)'}; or add the brief "${used}"`,
    );
  }
  if (problems.length === 0) return undefined;
  const error = new Error(problems.join('\n'));
  // The report is the message; where in qlf it was found means nothing to the reader of `nx graph`.
  error.stack = error.message;
  return error;
}
