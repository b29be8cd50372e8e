import { describe, expect, it } from 'vitest';
import { hasConflictMarkers, mergeFile } from './merge.js';

const base = 'a\nb\nc\nd\ne\nf\ng\n';

describe('mergeFile', () => {
  it.each([
    ['only the user changed', 'a\nB\nc\nd\ne\nf\ng\n', base, base, 'a\nB\nc\nd\ne\nf\ng\n'],
    ['only the generator changed', base, base, 'a\nb\nc\nd\ne\nf\nG\n', 'a\nb\nc\nd\ne\nf\nG\n'],
    ['different regions', 'a\nB\nc\nd\ne\nf\ng\n', base, 'a\nb\nc\nd\ne\nf\nG\n', 'a\nB\nc\nd\ne\nf\nG\n'],
    ['the same change on both sides', 'a\nX\nc\nd\ne\nf\ng\n', base, 'a\nX\nc\nd\ne\nf\ng\n', 'a\nX\nc\nd\ne\nf\ng\n'],
    ['no final newline', 'A\nb\nc\nd\ne\nf\ng', 'a\nb\nc\nd\ne\nf\ng', 'a\nb\nc\nd\ne\nf\nG', 'A\nb\nc\nd\ne\nf\nG'],
  ])('merges cleanly when %s', (_name, yours, baseText, generated, expected) => {
    expect(mergeFile(yours, baseText, generated)).toEqual({ content: expected, conflict: false });
  });

  it('marks overlapping edits as a conflict with all three versions', () => {
    const result = mergeFile('a\nmine\nc\nd\ne\nf\ng\n', base, 'a\ntheirs\nc\nd\ne\nf\ng\n');
    expect(result.conflict).toBe(true);
    expect(result.content).toBe(
      'a\n<<<<<<< yours\nmine\n||||||| base\nb\n=======\ntheirs\n>>>>>>> generated\nc\nd\ne\nf\ng\n',
    );
    expect(hasConflictMarkers(result.content)).toBe(true);
  });

  it('puts each marker on its own line when a side lacks a final newline', () => {
    const result = mergeFile('x', '', 'y\n');
    expect(result.conflict).toBe(true);
    expect(result.content).toBe('<<<<<<< yours\nx\n||||||| base\n=======\ny\n>>>>>>> generated\n');
  });

  it('does not mistake ordinary text for markers', () => {
    expect(hasConflictMarkers('a = "<<<<<<< yours"\n')).toBe(false);
  });
});
