// Grading of one attempt with `--rerun-failed` re-runs (DESIGN.md §6): the first run's verdict is the
// outcome; an unresolved verdict's tests run N more times and the listed tests whose results disagree
// are named as flaky.
import type { TaskSpec } from '../config/task.ts';
import { flakyTests } from './flaky.ts';
import type { EvaluationResult } from './types.ts';

export interface GradedAttempt {
  /** The first grading run (or the harness error's stand-in when no run was possible). */
  evaluation: EvaluationResult;
  /** Times the tests ran: 0 when they never ran, 1, or up to 1 + `rerunFailed`. */
  testRuns: number;
  /** Listed tests (FAIL_TO_PASS, PASS_TO_PASS) whose results disagreed across the runs, sorted as listed. */
  flaky: string[];
}

/**
 * Grades an attempt: `grade()` once, and when it says `unresolved` with test results, `rerunFailed`
 * more times; a re-run without test results (an infra fault, a timeout) says nothing about
 * flakiness and is not counted. With `harnessError` nothing runs: the attempt is an `infra_error`.
 * @throws what `grade` throws (faults of the harness itself).
 */
export async function gradeWithReruns(o: {
  task: Pick<TaskSpec, 'FAIL_TO_PASS' | 'PASS_TO_PASS'>;
  grade: () => Promise<EvaluationResult>;
  rerunFailed: number;
  harnessError: string | null;
}): Promise<GradedAttempt> {
  if (o.harnessError !== null) {
    const evaluation: EvaluationResult = {
      outcome: 'infra_error', tests_status: null, apply_strategy: null, test_files_edited: [], visible_check: false,
      test_ms: 0, test_output: '', parsed: {}, error: o.harnessError,
    };
    return { evaluation, testRuns: 0, flaky: [] };
  }
  const evaluation = await o.grade();
  let testRuns = evaluation.tests_status ? 1 : 0;
  if (evaluation.outcome !== 'unresolved' || !evaluation.tests_status || o.rerunFailed <= 0) return { evaluation, testRuns, flaky: [] };
  const parsedRuns = [evaluation.parsed];
  for (let i = 0; i < o.rerunFailed; i++) {
    const again = await o.grade();
    if (!again.tests_status) continue;
    parsedRuns.push(again.parsed);
    testRuns++;
  }
  return { evaluation, testRuns, flaky: flakyTests([...o.task.FAIL_TO_PASS, ...o.task.PASS_TO_PASS], parsedRuns) };
}
