import { describe, expect, it } from 'vitest';
import { parseJunit } from './junit.js';

const XML = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4">
<testcase classname="tests.test_a" name="test_ok" file="tests/test_a.py" line="3" time="0.01" />
<testcase classname="tests.test_a" name="test_bad" file="tests/test_a.py" line="7" time="0.01"><failure message="assert 1 == 2&#10;more">trace</failure></testcase>
<testcase classname="tests.test_b" name="test_err" time="0.0"><error message="fixture &quot;db&quot; not found">e</error></testcase>
<testcase classname="tests.test_b" name="test_skip" file="tests/test_b.py" line="1"><skipped type="pytest.skip" message="later" /></testcase>
</testsuite></testsuites>`;

describe('parseJunit', () => {
  it('counts outcomes and keeps file, 1-based line and message of each case', () => {
    const summary = parseJunit(XML);
    expect(summary).toMatchObject({ passed: 1, failed: 1, errors: 1, skipped: 1 });
    expect(summary.cases[1]).toEqual({
      classname: 'tests.test_a',
      name: 'test_bad',
      file: 'tests/test_a.py',
      line: 8,
      outcome: 'failed',
      message: 'assert 1 == 2\nmore',
    });
    expect(summary.cases[2]).toEqual({
      classname: 'tests.test_b',
      name: 'test_err',
      outcome: 'error',
      message: 'fixture "db" not found',
    });
  });

  it('reads an empty or missing report as no tests', () => {
    expect(parseJunit('')).toEqual({ passed: 0, failed: 0, errors: 0, skipped: 0, cases: [] });
  });
});
