import { describe, expect, it } from 'vitest';
import type { RunnerResult, VerifyFinding } from '../../../schemas/verify-report.js';
import { gate } from './gate.js';

const runner = (status: RunnerResult['status']): RunnerResult => ({ runner: 'x', status, stats: {} });
const finding = (severity: VerifyFinding['severity']): VerifyFinding => ({
  runner: 'x',
  rule: 'r',
  severity,
  message: 'm',
});

describe('gate', () => {
  it.each([
    ['all passed', [runner('passed')], [], false, true],
    ['warnings only', [runner('passed')], [finding('warning'), finding('info')], true, true],
    ['an error finding', [runner('passed')], [finding('error')], false, false],
    ['a failed runner without findings', [runner('failed')], [], false, false],
    ['a skip, lenient', [runner('skipped')], [], false, true],
    ['a skip, strict', [runner('skipped')], [], true, false],
  ] as const)('%s', (_, runners, findings, strict, expected) => {
    expect(gate([...runners], [...findings], strict)).toBe(expected);
  });
});
