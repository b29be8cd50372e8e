// Line diffs in unified form (`@@ -a,b +c,d @@`, three lines of context), from node-diff3's longest-common-subsequence
// diff: the library the working-copy merge already uses.
import { diffIndices } from 'node-diff3';
import type { DiffHunk } from '../shared/api.js';

const CONTEXT = 3;

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

/** The hunks turning `before` into `after`; none when they are equal. */
type Change = { buffer1: [start: number, length: number]; buffer2: [start: number, length: number] };

/** The hunks turning `before` into `after`; none when they are equal. */
export function unifiedDiff(before: string, after: string): DiffHunk[] {
  const a = lines(before);
  const b = lines(after);
  const changes = diffIndices(a, b) as Change[];
  const hunks: DiffHunk[] = [];
  let index = 0;
  while (index < changes.length) {
    // Changes closer than twice the context share one hunk.
    let last = index;
    while (last + 1 < changes.length) {
      const end = changes[last]!.buffer1[0] + changes[last]!.buffer1[1];
      if (changes[last + 1]!.buffer1[0] - end > CONTEXT * 2) break;
      last++;
    }
    const first = changes[index]!;
    const final = changes[last]!;
    const aStart = Math.max(0, first.buffer1[0] - CONTEXT);
    const aEnd = Math.min(a.length, final.buffer1[0] + final.buffer1[1] + CONTEXT);
    const bStart = first.buffer2[0] - (first.buffer1[0] - aStart);
    const out: string[] = [];
    let cursor = aStart;
    for (const change of changes.slice(index, last + 1)) {
      for (; cursor < change.buffer1[0]; cursor++) out.push(` ${a[cursor]}`);
      for (let k = 0; k < change.buffer1[1]; k++) out.push(`-${a[change.buffer1[0] + k]}`);
      for (let k = 0; k < change.buffer2[1]; k++) out.push(`+${b[change.buffer2[0] + k]}`);
      cursor = change.buffer1[0] + change.buffer1[1];
    }
    for (; cursor < aEnd; cursor++) out.push(` ${a[cursor]}`);
    const aCount = out.filter((line) => !line.startsWith('+')).length;
    const bCount = out.filter((line) => !line.startsWith('-')).length;
    const range = (start: number, count: number) => `${count === 0 ? start : start + 1},${count}`;
    hunks.push({ header: `@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`, lines: out });
    index = last + 1;
  }
  return hunks;
}
