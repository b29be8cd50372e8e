import { describe, expect, it } from 'vitest';
import { inputError, type QlfIssue, workError } from '../core/errors.js';
import { failureOf } from './task-failure.js';

const issue: QlfIssue = { code: 'E_BRIEF_SCHEMA', message: 'name is required', file: 'brief.qlf.yaml', line: 1 };

describe('failureOf', () => {
  it.each([
    [
      'an input error, with its hint and issues',
      inputError('E_BRIEF_SCHEMA', 'invalid brief', { hint: 'Add a name.', issues: [issue] }),
      { message: 'invalid brief', code: 'E_BRIEF_SCHEMA', hint: 'Add a name.', kind: 'input', issues: [issue] },
    ],
    [
      'a work error without issues: none reported rather than an empty list',
      workError('E_CACHE_WRITE', 'disk full'),
      { message: 'disk full', code: 'E_CACHE_WRITE', hint: undefined, kind: 'work', issues: undefined },
    ],
    [
      'a plain error, with a code from Node',
      Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', errno: -2 }),
      { message: 'ENOENT: no such file', code: 'ENOENT', hint: undefined, kind: undefined, issues: undefined },
    ],
    [
      'fields of the wrong type are left out',
      { message: 'odd', code: 42, hint: ['no'], kind: {}, issues: 'many' },
      { message: 'odd', code: undefined, hint: undefined, kind: undefined, issues: undefined },
    ],
    ['a thrown string', 'it broke', { message: 'it broke' }],
    ['undefined', undefined, { message: 'undefined' }],
  ])('%s', (_, error, expected) => {
    expect(failureOf(error)).toEqual(expected);
  });
});
