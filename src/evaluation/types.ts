// Evaluation result shapes (DESIGN.md §6; per-test status after SWE-bench report.json).
import type { Outcome } from '../core/outcome.ts';
import type { TestsStatus } from '../core/tests-status.ts';
import type { ApplyStrategy } from '../core/records.ts';
import type { CanaryResults } from './canary.ts';

export type TestStatus = 'PASSED' | 'FAILED' | 'SKIPPED' | 'ERROR';

export type { TestsStatus } from '../core/tests-status.ts';

export interface EvaluationResult {
  outcome: Outcome;
  /** Null when tests never ran (empty patch, patch failed, infra error). */
  tests_status: TestsStatus | null;
  /**
   * The stricter variant, for a task with `strict_pass_to_pass`: resolved, and every test of that
   * list PASSED in the same run (`strictResolved`). Absent for other tasks; never changes `outcome`.
   */
  resolved_strict?: boolean;
  /** The patch-application strategy that worked (`git apply`, `git apply --3way`, `git apply --recount`, `patch --fuzz`); null if none. */
  apply_strategy: ApplyStrategy | null;
  /** Paths of test files (by the task's test-file globs, or touched by test.patch) that the model's patch had edited; dropped or restored before grading. */
  test_files_edited: string[];
  /**
   * Protected paths the model's patch changed (protected-files.ts), sorted: entries dropped from the
   * patch and files restored after it; `package.json#<key>` for a restored package.json key. The
   * test files among them are also in `test_files_edited`. Absent = none.
   */
  protected_files_edited?: string[];
  /** The patch applied and every PASS_TO_PASS test held: a signal an orchestrator has at run time. */
  visible_check: boolean;
  /** Milliseconds spent running the tests. */
  test_ms: number;
  /**
   * Log of the patch's normalisation notes and application tries (commands, outputs), for logs;
   * absent when nothing was normalised or applied.
   */
  apply_log?: string;
  /**
   * Binary file entries (`GIT binary patch`, `Binary files … differ`) dropped from the model patch
   * before it was applied (`normalizePatch`); absent when the patch was empty.
   */
  binary_hunks_dropped?: number;
  /**
   * File entries of the model patch dropped before any application strategy because they would
   * leave the work tree (a `.git` component in any case, `..`, an absolute path, a symlink leading
   * out: `dropUnsafeEntries`); absent when the patch was empty.
   */
  unsafe_entries_dropped?: number;
  /** Combined test output (capped), for logs/<...>/test_output.txt. */
  test_output: string;
  /** Every parsed test id → status: the task's own tests (canaries are in `canaries`). */
  parsed: Record<string, TestStatus>;
  /**
   * How this run's canary tests came out (`{fail: 'failed', pass: 'passed'}` when the evidence
   * held); null or absent when no canaries ran (see `unprotected`) or the tests gave no results.
   */
  canaries?: CanaryResults | null;
  /** Why this run carried no canaries (e.g. an `exit-code` task); null or absent when it did. */
  unprotected?: string | null;
  /** Result channels read and compared: 1, or 2 where the runner writes a second report (DESIGN.md §11). */
  channels?: 1 | 2;
  error: string | null;
}
