// Line-based three-way merge of a generated file: the user's copy, the last generated copy (base), the new one.
import { mergeDiff3 } from 'node-diff3';

/** Conflict marker labels, in the order they appear: user's lines, then base, then the newly generated lines. */
export const MERGE_LABELS = { a: 'yours', o: 'base', b: 'generated' } as const;

const MARKERS = new Set([
  `<<<<<<< ${MERGE_LABELS.a}`,
  `||||||| ${MERGE_LABELS.o}`,
  '=======',
  `>>>>>>> ${MERGE_LABELS.b}`,
]);

export interface MergeResult {
  content: string;
  /** True when some region was changed differently on both sides and carries conflict markers. */
  conflict: boolean;
}

/** Splits into lines that keep their `\n`, so a missing final newline survives the merge unchanged. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Merges the user's edits (`yours`, relative to `base`) with the generator's changes (`generated`, relative to
 * `base`). Regions changed identically on both sides are not conflicts.
 */
export function mergeFile(yours: string, base: string, generated: string): MergeResult {
  const result = mergeDiff3(lines(yours), lines(base), lines(generated), {
    label: MERGE_LABELS,
    excludeFalseConflicts: true,
  });
  let content = '';
  for (const item of result.result) {
    if (MARKERS.has(item)) {
      // A side's last line may lack its newline; a marker must still start on a line of its own.
      if (content !== '' && !content.endsWith('\n')) content += '\n';
      content += `${item}\n`;
    } else {
      content += item;
    }
  }
  return { content, conflict: result.conflict };
}

/** Whether `content` still holds conflict markers from a merge (a line starting with `<<<<<<< yours`). */
export function hasConflictMarkers(content: string): boolean {
  return content.split('\n').some((line) => line === `<<<<<<< ${MERGE_LABELS.a}`);
}

/** The conflicted regions of `content`: 1-based first and last line of each `<<<<<<< yours` … `>>>>>>> generated`. */
export function conflictHunks(content: string): { start: number; end: number }[] {
  const hunks: { start: number; end: number }[] = [];
  const all = content.split('\n');
  let start: number | undefined;
  all.forEach((line, index) => {
    if (line === `<<<<<<< ${MERGE_LABELS.a}`) start ??= index + 1;
    else if (line === `>>>>>>> ${MERGE_LABELS.b}` && start !== undefined) {
      hunks.push({ start, end: index + 1 });
      start = undefined;
    }
  });
  if (start !== undefined) hunks.push({ start, end: all.length });
  return hunks;
}
