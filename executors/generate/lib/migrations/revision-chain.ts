// The working copy's Alembic revisions as a chain: qlf's own and any the team wrote (`alembic revision`). The next
// revision qlf writes follows the chain's single head; two heads must be merged by the team first.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../../../../core/errors.js';

export const VERSIONS_DIR = 'migrations/versions';

export interface RevisionEntry {
  id: string;
  /** The revisions it follows (several for a merge revision). */
  down: string[];
  /** Path relative to the working copy. */
  path: string;
}

const REVISION = /^revision\s*(?::\s*str\s*)?=\s*["']([^"']+)["']/m;
const DOWN_REVISION = /^down_revision\s*(?::[^=]+)?=\s*(None|["'][^"']*["']|\((?:[^)]*)\))/m;

/** Every revision module under `migrations/versions/` of `serviceDir`, sorted by path. */
export async function readRevisions(serviceDir: string): Promise<RevisionEntry[]> {
  let names: string[];
  try {
    names = await readdir(join(serviceDir, VERSIONS_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: RevisionEntry[] = [];
  for (const name of names.filter((candidate) => candidate.endsWith('.py')).sort()) {
    const path = `${VERSIONS_DIR}/${name}`;
    const text = await readFile(join(serviceDir, path), 'utf8');
    const id = REVISION.exec(text)?.[1];
    if (!id) continue; // not a revision module (a helper the team keeps beside them)
    const downText = DOWN_REVISION.exec(text)?.[1] ?? 'None';
    const down = [...downText.matchAll(/["']([^"']+)["']/g)].map((match) => match[1] as string);
    entries.push({ id, down, path });
  }
  return entries;
}

/** The revisions nothing follows. */
export function headsOf(entries: RevisionEntry[]): RevisionEntry[] {
  const followed = new Set(entries.flatMap((entry) => entry.down));
  return entries.filter((entry) => !followed.has(entry.id));
}

/** The id after the highest four-digit id in the chain: `0001`, `0002`, ... (ids the team chose are skipped). */
export function nextRevisionId(entries: RevisionEntry[]): string {
  const numbers = entries.map((entry) => (/^\d{4,}$/.test(entry.id) ? Number(entry.id) : 0));
  return String(Math.max(0, ...numbers) + 1).padStart(4, '0');
}

/** The single head the next revision follows (undefined for an empty chain); several heads are an input error. */
export function singleHead(entries: RevisionEntry[], serviceDir: string): RevisionEntry | undefined {
  const heads = headsOf(entries);
  if (heads.length > 1) {
    throw inputError(
      'E_MIGRATION_HEADS',
      `${join(serviceDir, VERSIONS_DIR)} has ${heads.length} heads (${heads.map((head) => head.path).join(', ')}): qlf cannot tell which one its next revision follows`,
      { hint: 'Merge them first (`alembic merge heads -m "merge"` in the service folder), then generate again.' },
    );
  }
  return heads[0];
}
