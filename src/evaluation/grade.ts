// Grading (DESIGN.md §6 steps 5–6; the no-verdict rule: docs/decisions.md): parsed per-test results → SWE-bench report.json
// `tests_status` and whether the task is resolved. Pure.
import type { TaskSpec } from '../config/task.ts';
import type { TestStatus, TestsStatus } from './types.ts';
import { ID_SEPARATOR } from './parse/names.ts';
import { DUPLICATE_SUFFIX_RE } from './runners/entries.ts';

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
 * fixbench counts ERROR, a test that crashed, as failed too). `grade` first gives a missing test
 * of a file that did not provably run the status ERROR (`unrunFileStatus`).
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
 * A listed id whose unlisted twins (`<id> #n`, runner adapters' duplicate rule) were reported gets
 * the worst status of itself and them (`twinStatuses`).
 * @param silentFiles canary host files whose canaries were not reported at all (the file did not run
 *   or crashed on load); under `fail_only` see `unrunFileStatus`.
 */
export function grade(
  lists: Pick<TaskSpec, 'FAIL_TO_PASS' | 'PASS_TO_PASS'> & Partial<Pick<TaskSpec, 'eval_type'>>,
  parsed: ReadonlyMap<string, TestStatus>,
  exitCode: number | null,
  expectedFailures = 0,
  silentFiles: readonly string[] = [],
): Grade {
  const twins = twinStatuses(parsed, [...lists.FAIL_TO_PASS, ...lists.PASS_TO_PASS]);
  const statusOf = (id: string): TestStatus | undefined => {
    const own = parsed.get(id) ?? (lists.eval_type === 'fail_only' ? unrunFileStatus(id, parsed, silentFiles) : undefined);
    const mine = twins.get(id) ?? [];
    // A listed id never reported stays missing under pass_and_fail (failed): a twin cannot stand in for it.
    if (own === undefined) return lists.eval_type === 'fail_only' ? worstStatus(mine) : undefined;
    return worstStatus([own, ...mine]);
  };
  const split = (ids: readonly string[]): { success: string[]; failure: string[] } => ({
    success: ids.filter((id) => listedTestPasses(statusOf(id), lists.eval_type)),
    failure: ids.filter((id) => !listedTestPasses(statusOf(id), lists.eval_type)),
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

/** A first id part that names a test file: no blank, a file extension (`test/a.test.js`, `spec.ts`). */
const FILE_PART_RE = /^[^\s]+\.[A-Za-z][\w]*$/;

/**
 * Under `fail_only`, the status of a listed test missing from `parsed`: ERROR when its file did not
 * provably run, else undefined (missing: it passes, as in SWE-bench). Its file is the id's first
 * part when that names a file (`FILE_PART_RE`, a file-level entry, or a canary host file); it did
 * not run when `parsed` has a file-level FAILED/ERROR entry for it (the file crashed on load), when
 * no test of it was reported, or when it is in `silentFiles`. An id that names no file cannot be
 * placed: it counts as ERROR when any file crashed (a file-level FAILED/ERROR entry) or any canary
 * host file was silent, since it may have been in that file.
 */
export function unrunFileStatus(id: string, parsed: ReadonlyMap<string, TestStatus>, silentFiles: readonly string[] = []): TestStatus | undefined {
  const crashed = (s: TestStatus | undefined): boolean => s === 'FAILED' || s === 'ERROR';
  const head = id.split(ID_SEPARATOR)[0]!;
  const isFile = (part: string): boolean => part !== id && (FILE_PART_RE.test(part) || parsed.has(part) || silentFiles.includes(part));
  if (isFile(head)) {
    if (crashed(parsed.get(head)) || silentFiles.includes(head)) return 'ERROR';
    const prefix = `${head}${ID_SEPARATOR}`;
    for (const key of parsed.keys()) if (key.startsWith(prefix)) return undefined;
    return 'ERROR';
  }
  const fileCrashed = [...parsed].some(([key, s]) => crashed(s) && !key.includes(ID_SEPARATOR) && FILE_PART_RE.test(key));
  return fileCrashed || silentFiles.length > 0 ? 'ERROR' : undefined;
}

const WORST: Record<TestStatus, number> = { PASSED: 0, SKIPPED: 1, FAILED: 2, ERROR: 3 };
/** The worst of `statuses` (ERROR, FAILED, SKIPPED, PASSED in that order); undefined when empty. */
function worstStatus(statuses: readonly TestStatus[]): TestStatus | undefined {
  return statuses.reduce<TestStatus | undefined>((w, s) => (w === undefined || WORST[s] > WORST[w] ? s : w), undefined);
}

/**
 * Listed id → statuses of its unlisted twins in `parsed`. A twin is a reported id `<base> #n`
 * (DUPLICATE_SUFFIX_RE) that is not itself listed; its family is `<base>` and every `<base> #k`.
 * Each listed member of the family gets the twin's status: the runner adapters number duplicates
 * in report order, so a test registered before the real one (e.g. from the patched source) takes
 * the plain id and the real one becomes `#2`; folding makes the listed id as bad as its worst
 * twin. Listed `<base> #k` ids (a file that really runs a title twice) keep their own statuses.
 */
export function twinStatuses(parsed: ReadonlyMap<string, TestStatus>, listed: readonly string[]): Map<string, TestStatus[]> {
  const isListed = new Set(listed);
  const byBase = new Map<string, TestStatus[]>();
  for (const [id, s] of parsed) {
    if (!DUPLICATE_SUFFIX_RE.test(id) || isListed.has(id)) continue;
    const base = id.replace(DUPLICATE_SUFFIX_RE, '');
    byBase.set(base, [...(byBase.get(base) ?? []), s]);
  }
  const out = new Map<string, TestStatus[]>();
  if (byBase.size === 0) return out;
  for (const id of isListed) {
    const bases = new Set([id, id.replace(DUPLICATE_SUFFIX_RE, '')]);
    const got = [...bases].flatMap((b) => byBase.get(b) ?? []);
    if (got.length) out.set(id, got);
  }
  return out;
}

/** Every listed test counted as failed (the tests gave no verdict). */
export function failedTestsStatus(task: Pick<TaskSpec, 'FAIL_TO_PASS' | 'PASS_TO_PASS'>): TestsStatus {
  return {
    FAIL_TO_PASS: { success: [], failure: [...task.FAIL_TO_PASS] },
    PASS_TO_PASS: { success: [], failure: [...task.PASS_TO_PASS] },
  };
}
