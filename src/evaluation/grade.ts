// Grading (DESIGN.md §6 steps 5–6; the no-verdict rule: docs/decisions.md): parsed per-test results → SWE-bench report.json
// `tests_status` and whether the task is resolved. Pure.
import type { TaskSpec } from '../config/task.ts';
import type { TestStatus, TestsStatus } from './types.ts';

export interface Grade {
  /** SWE-bench report.json `tests_status` (FAIL_TO_PASS / PASS_TO_PASS success and failure lists). */
  tests_status: TestsStatus;
  /** Every FAIL_TO_PASS and every PASS_TO_PASS test PASSED. False whenever `error` is set. */
  resolved: boolean;
  /** Every PASS_TO_PASS test PASSED (the run-time half of `visible_check`). False whenever `error` is set. */
  visible_check_p2p: boolean;
  /** Why the results give no verdict (docs/decisions.md#the-no-verdict-rule), else null; `resolved` is then false. */
  error: string | null;
}

/**
 * Whether a listed test with parsed status `status` (undefined = not in the results) passes under
 * SWE-bench's `eval_type`: `pass_and_fail` (the default) — only PASSED; `fail_only` — anything
 * but FAILED or ERROR, so a test missing from the results passes (SWE-bench's `check_fail_only`;
 * fixbench counts ERROR, a test that crashed, as failed too).
 */
export function listedTestPasses(status: TestStatus | 'MISSING' | undefined, evalType: TaskSpec['eval_type']): boolean {
  return evalType === 'fail_only' ? status !== 'FAILED' && status !== 'ERROR' : status === 'PASSED';
}

/**
 * Grades parsed results against the task's lists. A listed test passes only if parsed as PASSED:
 * missing, SKIPPED, FAILED and ERROR all count as failure (as in SWE-bench), unless the task's
 * `eval_type` is `fail_only` (`listedTestPasses`), whose proof that the suite ran is the no-verdict
 * rule. Applies rules 2–4 of the no-verdict rule (docs/decisions.md#the-no-verdict-rule).
 * @param exitCode the test command's exit code; null when it was killed by a signal.
 * @param expectedFailures failing canaries already removed from `parsed`: they count as failed tests.
 */
export function grade(
  lists: Pick<TaskSpec, 'FAIL_TO_PASS' | 'PASS_TO_PASS'> & Partial<Pick<TaskSpec, 'eval_type'>>,
  parsed: ReadonlyMap<string, TestStatus>,
  exitCode: number | null,
  expectedFailures = 0,
): Grade {
  const split = (ids: readonly string[]): { success: string[]; failure: string[] } => ({
    success: ids.filter((id) => listedTestPasses(parsed.get(id), lists.eval_type)),
    failure: ids.filter((id) => !listedTestPasses(parsed.get(id), lists.eval_type)),
  });
  const tests_status: TestsStatus = { FAIL_TO_PASS: split(lists.FAIL_TO_PASS), PASS_TO_PASS: split(lists.PASS_TO_PASS) };

  let error: string | null = null;
  const anyFailing = expectedFailures > 0 || [...parsed.values()].some((s) => s === 'FAILED' || s === 'ERROR');
  if (parsed.size === 0) {
    error = `no test results were parsed (test command exit code ${exitCode ?? 'null (killed by a signal)'})`;
  } else if (exitCode === null) {
    error = `the test command was killed by a signal: its ${parsed.size} parsed results may be incomplete or not its own`;
  } else if (exitCode !== 0 && !anyFailing) {
    error =
      `test command exited with ${exitCode} but none of the ${parsed.size} parsed tests failed; ` +
      'the report is incomplete or the run crashed outside a test';
  }
  const p2pOk = tests_status.PASS_TO_PASS.failure.length === 0;
  return {
    tests_status,
    resolved: error === null && p2pOk && tests_status.FAIL_TO_PASS.failure.length === 0,
    visible_check_p2p: error === null && p2pOk,
    error,
  };
}
