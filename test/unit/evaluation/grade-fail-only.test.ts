// eval_type fail_only (SWE-bench's check_fail_only) and ids: swe-bench (names with blanks as
// SWE-bench writes them) in grading; the no-verdict rule still decides whether the suite ran.
import { describe, expect, it } from 'vitest';
import { aliasSweBenchNames, sweBenchKey } from '../../../src/core/swe-ids.ts';
import { grade, listedTestPasses, unrunFileStatus } from '../../../src/evaluation/grade.ts';
import type { TestStatus } from '../../../src/evaluation/types.ts';
import { judgeRuns } from '../../../src/tasks/validate.ts';

const results = (o: Record<string, TestStatus>) => new Map(Object.entries(o));

describe('eval_type fail_only', () => {
  const lists = { FAIL_TO_PASS: ['a > fixed', 'a > not reported', 'a > skipped'], PASS_TO_PASS: [] as string[] };
  it('counts a listed test missing from the results, or skipped, as passing once the suite ran', () => {
    const parsed = results({ 'a > fixed': 'PASSED', 'a > skipped': 'SKIPPED', 'a > other': 'PASSED' });
    const g = grade({ ...lists, eval_type: 'fail_only' }, parsed, 0);
    expect(g).toMatchObject({ resolved: true, error: null });
    expect(g.tests_status.FAIL_TO_PASS.success).toEqual(lists.FAIL_TO_PASS);
    // The same results under pass_and_fail (the default) do not resolve it.
    expect(grade(lists, parsed, 0).resolved).toBe(false);
  });
  it('fails a listed test reported FAILED or ERROR', () => {
    for (const s of ['FAILED', 'ERROR'] as const) {
      const g = grade({ ...lists, eval_type: 'fail_only' }, results({ 'a > fixed': s, 'a > other': 'PASSED' }), 1);
      expect(g.resolved).toBe(false);
      expect(g.tests_status.FAIL_TO_PASS.failure).toEqual(['a > fixed']);
    }
  });
  it('gives no verdict when the suite did not provably run (nothing parsed, a signal, or a crash outside the tests)', () => {
    const ft = { ...lists, eval_type: 'fail_only' as const };
    expect(grade(ft, results({}), 0)).toMatchObject({ resolved: false, error: expect.stringMatching(/no test results/) });
    expect(grade(ft, results({ 'a > fixed': 'PASSED' }), null)).toMatchObject({ resolved: false, error: expect.stringMatching(/signal/) });
    expect(grade(ft, results({ 'a > fixed': 'PASSED' }), 2)).toMatchObject({ resolved: false, error: expect.stringMatching(/exited with 2/) });
  });
  it('validate: gold with a listed test missing is sound under fail_only, not under pass_and_fail', () => {
    const run = (phase: 'test_patch_only' | 'gold_and_test_patch', tests: Record<string, TestStatus | 'MISSING'>, outcome: 'resolved' | 'unresolved') =>
      ({ run: 1, phase, outcome, tests, test_ms: 1, error: null, canaries: null, unprotected: null });
    const task = { FAIL_TO_PASS: ['t > a', 't > b'], PASS_TO_PASS: [] };
    const runs = [run('test_patch_only', { 't > a': 'FAILED', 't > b': 'MISSING' }, 'unresolved'), run('gold_and_test_patch', { 't > a': 'PASSED', 't > b': 'MISSING' }, 'resolved')];
    expect(judgeRuns({ ...task, eval_type: 'fail_only' }, runs).reasons).toEqual([]);
    expect(judgeRuns(task, runs).reasons.join('\n')).toMatch(/gold does not fix it.*"t > b" MISSING/);
  });
  it('validate: gold whose listed tests all pass but whose grade is no verdict is no valid task (atkR15 #3)', () => {
    const task = { FAIL_TO_PASS: ['t > a'], PASS_TO_PASS: [] };
    const noop = { run: 1, phase: 'test_patch_only' as const, outcome: 'unresolved' as const, tests: { 't > a': 'FAILED' as const }, test_ms: 1, error: null, canaries: null, unprotected: null };
    const gold = { ...noop, phase: 'gold_and_test_patch' as const, tests: { 't > a': 'PASSED' as const }, error: 'no test verdict with this patch: 1 test(s) failed with a test or suite around them' };
    expect(judgeRuns(task, [noop, gold]).reasons.join('\n')).toMatch(/gold is not resolved .*run 1.* although its listed tests pass: no test verdict with this patch/);
    expect(judgeRuns(task, [noop, { ...gold, outcome: 'resolved' as const, error: null }]).reasons).toEqual([]);
  });
  it('fails a missing listed test whose file crashed on load, was not reported, or held silent canaries', () => {
    const ft = { FAIL_TO_PASS: ['test/a.test.js > add > adds'], PASS_TO_PASS: ['test/b.test.js > mul > ones', 'test/b.test.js > mul > gone'], eval_type: 'fail_only' as const };
    // Honest: every file ran; a listed test legitimately absent from a file that ran passes.
    const ran = results({ 'test/a.test.js > add > adds': 'PASSED', 'test/b.test.js > mul > ones': 'PASSED' });
    expect(grade(ft, ran, 0)).toMatchObject({ resolved: true });
    // test/a.test.js crashed on load: one file-level ERROR entry, its tests missing.
    const crashed = grade(ft, results({ 'test/a.test.js': 'ERROR', 'test/b.test.js > mul > ones': 'PASSED' }), 1);
    expect(crashed.tests_status.FAIL_TO_PASS.failure).toEqual(['test/a.test.js > add > adds']);
    expect(crashed.tests_status.PASS_TO_PASS.success).toEqual(['test/b.test.js > mul > ones', 'test/b.test.js > mul > gone']);
    // No test of test/a.test.js reported at all.
    expect(grade(ft, results({ 'test/b.test.js > mul > ones': 'PASSED' }), 0).tests_status.FAIL_TO_PASS.failure).toEqual(['test/a.test.js > add > adds']);
    // A canary host file reported none of its canaries.
    expect(unrunFileStatus('test/b.test.js > mul > gone', ran, ['test/b.test.js'])).toBe('ERROR');
    // Ids that name no file: any crashed file or silent host file fails the missing ones.
    expect(unrunFileStatus('add > gone', results({ 'add > adds': 'PASSED' }))).toBeUndefined();
    expect(unrunFileStatus('add > gone', results({ 'add > adds': 'PASSED', 'test/c.test.js': 'ERROR' }))).toBe('ERROR');
    expect(unrunFileStatus('add > gone', results({ 'add > adds': 'PASSED' }), ['test/c.test.js'])).toBe('ERROR');
    // pass_and_fail is unchanged: missing is failed anyway.
    expect(grade({ ...ft, eval_type: undefined }, ran, 0).tests_status.PASS_TO_PASS.failure).toEqual(['test/b.test.js > mul > gone']);
  });
  it('listedTestPasses follows SWE-bench for each status', () => {
    expect([undefined, 'MISSING', 'PASSED', 'SKIPPED', 'FAILED', 'ERROR'].map((s) => listedTestPasses(s as TestStatus, 'fail_only'))).toEqual([true, true, true, true, false, false]);
    expect([undefined, 'MISSING', 'PASSED', 'SKIPPED', 'FAILED', 'ERROR'].map((s) => listedTestPasses(s as TestStatus, undefined))).toEqual([false, false, true, false, false, false]);
  });
});

describe('ids: swe-bench', () => {
  it('keys a name with blanks by its trimmed parts', () => {
    expect(sweBenchKey('Marked Table cells should pass example 9 ')).toBe('Marked Table cells should pass example 9');
    expect(sweBenchKey('file.js > suite  > title ')).toBe('file.js > suite > title');
    expect(sweBenchKey('clean > id')).toBe('clean > id');
  });
  it('adds each listed name under its own spelling, from its clean id only', () => {
    const parsed = results({ 'a > adds negatives': 'PASSED', 'a > other': 'FAILED' });
    const aliased = aliasSweBenchNames(parsed, ['a > adds negatives ', 'a > missing ', 'a > other']);
    expect(aliased.get('a > adds negatives ')).toBe('PASSED');
    expect(aliased.has('a > missing ')).toBe(false);
    expect(parsed.has('a > adds negatives ')).toBe(false); // the input is not changed
    expect(grade({ FAIL_TO_PASS: ['a > adds negatives '], PASS_TO_PASS: [] }, aliased, 1).resolved).toBe(true);
  });
});
