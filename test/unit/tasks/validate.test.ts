import { describe, expect, it } from 'vitest';
import { canaryCause, judgeRuns, type PhaseRun } from '../../../src/tasks/validate.ts';

const lists = { FAIL_TO_PASS: ['t > f2p'], PASS_TO_PASS: ['t > p2p'] };
type S = PhaseRun['tests'][string];
const run = (n: number, phase: PhaseRun['phase'], f2p: S, p2p: S, outcome = 'unresolved', error: string | null = null): PhaseRun => ({
  run: n, phase, outcome, tests: { 't > f2p': f2p, 't > p2p': p2p }, test_ms: 1, error,
});
/** Three runs of a sound task: F2P fails before and passes after; P2P passes in both. */
const sound = (): PhaseRun[] =>
  [1, 2, 3].flatMap((n) => [run(n, 'test_patch_only', 'FAILED', 'PASSED'), run(n, 'gold_and_test_patch', 'PASSED', 'PASSED', 'resolved')]);

describe('judgeRuns', () => {
  it('accepts a task whose runs agree and hold both rules', () => {
    expect(judgeRuns(lists, sound())).toEqual({ reasons: [], flaky: [] });
  });

  it('accepts a FAIL_TO_PASS test that is absent before the fix', () => {
    const runs = sound().map((r) => (r.phase === 'test_patch_only' ? { ...r, tests: { ...r.tests, 't > f2p': 'MISSING' as const } } : r));
    expect(judgeRuns(lists, runs).reasons).toEqual([]);
  });

  it('names gold not fixing the task', () => {
    const runs = sound().map((r) => (r.phase === 'gold_and_test_patch' ? { ...r, outcome: 'unresolved', tests: { ...r.tests, 't > f2p': 'FAILED' as const } } : r));
    expect(judgeRuns(lists, runs).reasons).toEqual(['gold does not fix it: 1 listed test(s) do not pass with gold.patch + test.patch (run 1): "t > f2p" FAILED']);
  });

  it('names a FAIL_TO_PASS test that already passes, and noop resolving the task', () => {
    const runs = sound().map((r) => (r.phase === 'test_patch_only' ? { ...r, outcome: 'resolved', tests: { ...r.tests, 't > f2p': 'PASSED' as const } } : r));
    const { reasons } = judgeRuns(lists, runs);
    expect(reasons).toContain('noop resolves the task: every listed test passes with test.patch alone (runs 1, 2, 3)');
    expect(reasons).toContain('FAIL_TO_PASS test "t > f2p" already passes at base_commit with test.patch alone (runs 1, 2, 3); it does not check the fix');
  });

  it('names a PASS_TO_PASS test that fails before the fix', () => {
    const runs = sound().map((r) => (r.phase === 'test_patch_only' ? { ...r, tests: { ...r.tests, 't > p2p': 'SKIPPED' as const } } : r));
    expect(judgeRuns(lists, runs).reasons).toEqual(['PASS_TO_PASS test "t > p2p" does not pass with test.patch alone: SKIPPED (run 1)']);
  });

  it('reports a flaky test with the runs that disagreed', () => {
    const runs = sound();
    runs[2] = run(2, 'test_patch_only', 'FAILED', 'FAILED'); // run 2 before the fix: p2p failed
    const { reasons, flaky } = judgeRuns(lists, runs);
    expect(flaky).toEqual([{ test: 't > p2p', phase: 'test_patch_only', runs: [{ run: 1, status: 'PASSED' }, { run: 2, status: 'FAILED' }, { run: 3, status: 'PASSED' }] }]);
    expect(reasons).toEqual(['flaky test "t > p2p" with test.patch alone: run 1 PASSED, run 2 FAILED, run 3 PASSED']);
  });

  it('names a run that gave no verdict', () => {
    const runs = sound();
    runs[1] = run(1, 'gold_and_test_patch', 'MISSING', 'MISSING', 'infra_error', 'test.patch of x did not apply\nmore');
    expect(judgeRuns(lists, runs).reasons).toEqual(['with gold.patch + test.patch, run 1: no test verdict (infra_error: test.patch of x did not apply)']);
  });
});

describe('canaryCause', () => {
  const plain = (outcome: string): PhaseRun => ({ ...run(4, 'gold_and_test_patch', 'PASSED', 'PASSED', outcome), unprotected: 'no canaries' });
  const goldFails = (outcome = 'unresolved', error: string | null = null) => sound().map((r) => (r.phase === 'gold_and_test_patch' ? { ...r, outcome, error, tests: { ...r.tests, 't > p2p': 'FAILED' as const } } : r));

  it('gold resolved without canaries, a listed test failing with them: names the test, the likely cause and the fix', () => {
    const reason = canaryCause(lists, goldFails(), [], plain('resolved'));
    expect(reason).toMatch(/^gold fails only with the canary tests in: without them gold is resolved \(run 4, a diagnosis with no canaries\), but with them listed test\(s\) fail: "t > p2p" FAILED \(run 1\)\. /);
    expect(reason).toMatch(/Likely cause: the tests share state or depend on their order/);
    expect(reason).toMatch(/Fix: make each test independent/);
  });
  it('a tampered gold run: its outcome, not its results, is named', () => {
    expect(canaryCause(lists, goldFails('tampered', 'the canary that must pass failed\nmore'), [], plain('resolved'))).toMatch(/but with them the run is not resolved \(tampered: the canary that must pass failed\) \(run 1\)/);
  });
  it('no cause to name: gold fails without canaries too, gold resolved in some run, or a gold test flaky', () => {
    expect(canaryCause(lists, goldFails(), [], plain('unresolved'))).toBeNull();
    expect(canaryCause(lists, sound(), [], plain('resolved'))).toBeNull();
    const runs = goldFails();
    runs[5] = { ...runs[5]!, outcome: 'resolved', tests: { 't > f2p': 'PASSED', 't > p2p': 'PASSED' } };
    expect(canaryCause(lists, runs, [], plain('resolved'))).toBeNull();
    expect(canaryCause(lists, goldFails(), [{ test: 't > p2p', phase: 'gold_and_test_patch', runs: [] }], plain('resolved'))).toBeNull();
    // gold without a verdict (e.g. node on test files without --test): the run without canaries resolves, but the canaries are not the cause
    expect(canaryCause(lists, goldFails('unresolved', "no test verdict with this patch: test_cmd runs the test files in node's reporter process"), [], plain('resolved'))).toBeNull();
  });
  it('an outcome the canaries do not cause (infra error, timeout, patch not applied) gets no canary cause, whatever its message', () => {
    for (const outcome of ['infra_error', 'timeout', 'patch_failed']) {
      expect(canaryCause(lists, goldFails(outcome, 'sandbox setup failed'), [], plain('resolved'))).toBeNull();
      expect(canaryCause(lists, goldFails(outcome, 'no test verdict with this patch: reads like one'), [], plain('resolved'))).toBeNull();
    }
  });
  it('a no-verdict is an unresolved outcome with that message: a tampered run whose message starts so is still named', () => {
    expect(canaryCause(lists, goldFails('tampered', 'no test verdict with this patch: a canary said so'), [], plain('resolved'))).toMatch(/but with them the run is not resolved \(tampered: no test verdict/);
  });
});
