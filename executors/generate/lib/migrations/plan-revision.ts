// Decides the revision a generation adds to the working copy: the diff between the schema the lock says the last
// qlf revision built and the schema of the new IR, following the chain's head. Existing revisions are never touched.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../../../../core/errors.js';
import type { MigrationSchema, MigrationState } from '../../../../schemas/migration-schema.js';
import { nextRevisionId, type RevisionEntry, readRevisions, singleHead, VERSIONS_DIR } from './revision-chain.js';
import { type RevisionFile, renderRevision } from './revision-file.js';

export interface PlannedRevision {
  /** The revision to write, when the schema changed. */
  file?: RevisionFile;
  /** The state to record in the lock once it is written. */
  state: MigrationState;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function planRevision(
  serviceDir: string,
  brief: string,
  previous: MigrationState | undefined,
  schema: MigrationSchema,
): Promise<PlannedRevision> {
  if (previous && sameJson(previous.schema, schema)) return { state: previous };
  const entries = await readRevisions(serviceDir);
  const from = previous?.schema ?? { tables: [] };
  const recorded = previous?.revisions ?? [];
  const record = (file: RevisionFile): PlannedRevision => ({
    file,
    state: { schema, revisions: [...recorded, { id: file.id, path: file.path }] },
  });
  // A run stopped between writing the revision and the lock: the head is already the revision this run would write.
  const adopt = async (head: RevisionEntry): Promise<PlannedRevision | undefined> => {
    if (recorded.some((revision) => revision.id === head.id)) return undefined;
    const again = renderRevision({ brief, id: head.id, downRevision: head.down[0], from, to: schema });
    const onDisk = await readFile(join(serviceDir, head.path), 'utf8').catch(() => undefined);
    return again && again.path === head.path && again.content === onDisk
      ? { ...record(again), file: undefined }
      : undefined;
  };
  if (!previous && entries.length > 0) {
    // A first run that stopped before its lock left exactly its initial revision.
    const only = entries.length === 1 && entries[0]?.down.length === 0 ? await adopt(entries[0]) : undefined;
    if (only) return only;
    throw inputError(
      'E_MIGRATION_UNTRACKED',
      `${join(serviceDir, VERSIONS_DIR)} holds revisions (${entries.map((entry) => entry.path).join(', ')}) but qlf.lock.json records no schema they build, so qlf cannot tell what its next revision must change`,
      {
        hint: 'Restore qlf.lock.json from version control, or move the revisions away to let qlf write an initial revision for the whole schema.',
      },
    );
  }
  const ids = new Set(entries.map((entry) => entry.id));
  const missing = recorded.filter((revision) => !ids.has(revision.id));
  if (missing.length > 0) {
    throw inputError(
      'E_MIGRATION_MISSING',
      `${missing.map((revision) => join(serviceDir, revision.path)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: qlf.lock.json records ${missing.length === 1 ? 'it' : 'them'} as part of the schema its next revision builds on`,
      { hint: 'Restore the revision from version control (`git checkout -- <file>`), then generate again.' },
    );
  }
  const head = singleHead(entries, serviceDir);
  const adopted = head ? await adopt(head) : undefined;
  if (adopted) return adopted;
  const file = renderRevision({ brief, id: nextRevisionId(entries), downRevision: head?.id, from, to: schema });
  return file ? record(file) : { state: { schema, revisions: recorded } };
}
