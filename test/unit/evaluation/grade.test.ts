import { describe, expect, it } from 'vitest';
import { grade } from '../../../src/evaluation/grade.ts';
import { exitCodeResults } from '../../../src/evaluation/parse/exit-code.ts';
import type { TestStatus } from '../../../src/evaluation/types.ts';

const lists = { FAIL_TO_PASS: ['f1', 'f2'], PASS_TO_PASS: ['p1'] };
const results = (o: Record<string, TestStatus>) => new Map(Object.entries(o));

describe('grade', () => {
  it('resolves when every FAIL_TO_PASS and PASS_TO_PASS test passed', () => {
    expect(grade(lists, results({ f1: 'PASSED', f2: 'PASSED', p1: 'PASSED' }), 0)).toEqual({
      tests_status: { FAIL_TO_PASS: { success: ['f1', 'f2'], failure: [] }, PASS_TO_PASS: { success: ['p1'], failure: [] } },
      resolved: true,
      visible_check_p2p: true,
      error: null,
    });
  });

  it.each<[string, Record<string, TestStatus>, number, string[]]>([
    ['a missing FAIL_TO_PASS test counts as failed', { f1: 'PASSED', p1: 'PASSED', other: 'FAILED' }, 1, ['f2']],
    ['a SKIPPED FAIL_TO_PASS test counts as failed', { f1: 'PASSED', f2: 'SKIPPED', p1: 'PASSED' }, 0, ['f2']],
    ['an ERROR counts as failed', { f1: 'ERROR', f2: 'PASSED', p1: 'PASSED' }, 1, ['f1']],
  ])('%s', (_what, parsed, exit, f2pFailures) => {
    const g = grade(lists, results(parsed), exit);
    expect(g.resolved).toBe(false);
    expect(g.error).toBeNull();
    expect(g.tests_status.FAIL_TO_PASS.failure).toEqual(f2pFailures);
    expect(g.visible_check_p2p).toBe(true);
  });

  it('is unresolved, with visible check failing, when a PASS_TO_PASS test broke', () => {
    const g = grade(lists, results({ f1: 'PASSED', f2: 'PASSED', p1: 'FAILED' }), 1);
    expect(g).toMatchObject({ resolved: false, visible_check_p2p: false, error: null });
    expect(g.tests_status.PASS_TO_PASS).toEqual({ success: [], failure: ['p1'] });
  });

  it('resolves despite a non-zero exit when only an unlisted test failed', () => {
    expect(grade(lists, results({ f1: 'PASSED', f2: 'PASSED', p1: 'PASSED', flaky: 'FAILED' }), 1)).toMatchObject({ resolved: true, error: null });
  });

  it('is an error, never a pass, when no test was parsed', () => {
    const g = grade(lists, results({}), 0);
    expect(g).toMatchObject({ resolved: false, visible_check_p2p: false });
    expect(g.error).toMatch(/no test results were parsed/);
  });

  it('is an error when the command failed but no parsed test failed', () => {
    const g = grade(lists, results({ f1: 'PASSED', f2: 'PASSED', p1: 'PASSED' }), 2);
    expect(g).toMatchObject({ resolved: false, visible_check_p2p: false });
    expect(g.error).toMatch(/exited with 2 but none of the 3 parsed tests failed/);
  });

  it('treats a kill by signal (null exit code) as a non-zero exit', () => {
    expect(grade(lists, results({ f1: 'PASSED', f2: 'PASSED', p1: 'PASSED' }), null).error).not.toBeNull();
  });
});

describe('exitCodeResults', () => {
  it('is one pseudo-test named by the command, PASSED iff exit 0', () => {
    expect(Object.fromEntries(exitCodeResults('make test', 0))).toEqual({ 'make test': 'PASSED' });
    expect(Object.fromEntries(exitCodeResults('make test', 2))).toEqual({ 'make test': 'FAILED' });
    expect(Object.fromEntries(exitCodeResults('make test', null))).toEqual({ 'make test': 'FAILED' });
  });
});
