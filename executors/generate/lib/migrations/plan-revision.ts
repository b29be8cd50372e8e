// Decides the revision a generation adds to the working copy: the diff between the schema the lock says the last
// qlf revision built and the schema of the new IR, following the chain's head. Existing revisions are never touched.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../../../../core/errors.js';
import { readRevisions, singleHead, VERSIONS_DIR, nextRevisionId } from './revision-chain.js';
import { type RevisionFile, renderRevision } from './revision-file.js';
import type { MigrationSchema, MigrationState } from '../../../../schemas/migration-schema.js';


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
  if (!previous && entries.length > 0) {
    throw inputError(
      'E_MIGRATION_UNTRACKED',
      `${join(serviceDir, VERSIONS_DIR)} holds revisions (${entries.map((entry) => entry.path).join(', ')}) but qlf.lock.json records no schema they build, so qlf cannot tell what its next revision must change`,
      {
        hint: 'Restore qlf.lock.json from version control, or move the revisions away to let qlf write an initial revision for the whole schema.',
      },
    );
  }
  const ids = new Set(entries.map((entry) => entry.id));
  const missing = (previous?.revisions ?? []).filter((revision) => !ids.has(revision.id));
  if (missing.length > 0) {
    throw inputError(
      'E_MIGRATION_MISSING',
      `${missing.map((revision) => join(serviceDir, revision.path)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: qlf.lock.json records ${missing.length === 1 ? 'it' : 'them'} as part of the schema its next revision builds on`,
      { hint: 'Restore the revision from version control (`git checkout -- <file>`), then generate again.' },
    );
  }
  const from = previous?.schema ?? { tables: [] };
  const head = singleHead(entries, serviceDir);
  const record = (file: RevisionFile): PlannedRevision => ({
    file,
    state: { schema, revisions: [...(previous?.revisions ?? []), { id: file.id, path: file.path }] },
  });
  // A run stopped between writing the revision and the lock: the head is already the revision this run would write.
  if (head && !previous?.revisions.some((revision) => revision.id === head.id)) {
    const again = renderRevision({ brief, id: head.id, downRevision: head.down[0], from, to: schema });
    const onDisk = await readFile(join(serviceDir, head.path), 'utf8').catch(() => undefined);
    if (again && again.path === head.path && again.content === onDisk) return { ...record(again), file: undefined };
  }
  const file = renderRevision({ brief, id: nextRevisionId(entries), downRevision: head?.id, from, to: schema });
  return file ? record(file) : { state: { schema, revisions: previous?.revisions ?? [] } };
}
