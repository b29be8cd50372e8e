// A generated tree merged into a working copy as `qlf generate` does it (the IR recorded for three-way regeneration,
// the next migration revision written from the schema). Used where a tree must run as a service outside the user's
// working copy: the model's throwaway check, `--compare`, and tests.
import type { GeneratedTree } from '../../../schemas/generated-tree.js';
import type { GenerationLock } from '../../../schemas/generation-lock.js';
import type { IR } from '../../../schemas/ir.js';
import { generateFromRecordedIr, migrationSchemaOf } from '../generate.js';
import { type MergeOutcome, mergeIntoWorkingCopy } from './working-copy-merge.js';

/** Merges `tree` (generated from `ir`) into the working copy `dir`, keeping the merge base in `localBase`. */
export function writeWorkingCopy(
  tree: GeneratedTree,
  ir: IR,
  dir: string,
  localBase: string,
  generator: GenerationLock['generator'],
): Promise<MergeOutcome> {
  return mergeIntoWorkingCopy(tree, dir, {
    localBase,
    ir: JSON.parse(JSON.stringify(ir)) as Record<string, unknown>,
    generator,
    regenerate: generateFromRecordedIr,
    schema: migrationSchemaOf(ir),
  });
}
