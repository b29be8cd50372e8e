// Unified diffs as `diff -U3` prints them: hunk headers with 1-based starts and counts, context around each change.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);
const text = (list: string[]) => `${list.join('\n')}\n`;

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it.each([
    [
      'a change in the middle',
      text(lines(10)),
      text(lines(10).map((l) => (l === 'line 5' ? 'five' : l))),
      ['@@ -2,7 +2,7 @@'],
    ],
    ['an addition at the end', text(lines(4)), text([...lines(4), 'line 5']), ['@@ -2,3 +2,4 @@']],
    ['a new file', '', text(['a', 'b']), ['@@ -0,0 +1,2 @@']],
    ['a removed file', text(['a', 'b']), '', ['@@ -1,2 +0,0 @@']],
    [
      'two changes far apart',
      text(lines(30)),
      text(lines(30).map((l) => (l === 'line 3' || l === 'line 27' ? `${l}!` : l))),
      ['@@ -1,6 +1,6 @@', '@@ -24,7 +24,7 @@'],
    ],
  ])('heads the hunks of %s', (_name, before, after, headers) => {
    const hunks = unifiedDiff(before, after);
    expect(hunks.map((h) => h.header)).toEqual(headers);
  });

  it('marks removed and added lines with their context', () => {
    const [hunk] = unifiedDiff(text(['a', 'b', 'c']), text(['a', 'B', 'c']));
    expect(hunk?.lines).toEqual([' a', '-b', '+B', ' c']);
  });
});
