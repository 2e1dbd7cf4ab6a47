// `fixbench tasks validate` (DESIGN.md §2, after SWE-bench's harness validation): a task is admitted
// only when, with test.patch alone, every FAIL_TO_PASS test fails or is absent and every
// PASS_TO_PASS test passes (so `noop` resolves nothing); with gold.patch + test.patch every listed
// test passes; and repeated runs agree (a test whose results differ is flaky, named with its runs).
import type { EnvCache } from '../workspace/env-cache.ts';
import { z } from 'zod';
import { AttemptRecord } from '../core/records.ts';
import type { TaskSpec } from '../config/task.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import { isNoVerdict } from '../evaluation/eval-text.ts';
import { listedTestPasses } from '../evaluation/grade.ts';
import type { EvaluationResult, TestStatus } from '../evaluation/types.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { RepoCache } from '../workspace/repo-cache.ts';

/** The two states of the repository a task is checked in. */
export const Phase = z.enum(['test_patch_only', 'gold_and_test_patch']);
export type Phase = z.infer<typeof Phase>;

const PHASE_LABEL: Record<Phase, string> = {
  test_patch_only: 'with test.patch alone',
  gold_and_test_patch: 'with gold.patch + test.patch',
};

/** Status of one test in one run: a parsed status, or MISSING when the run did not report it. */
const RunStatus = z.enum(['PASSED', 'FAILED', 'SKIPPED', 'ERROR', 'MISSING']);

/** One evaluation of a task in one phase. */
export const PhaseRun = z.object({
  run: z.number().int().min(1),
  phase: Phase,
  /** Outcome of `evaluate` (`resolved` with test.patch alone means noop resolves the task). */
  outcome: z.string(),
  /** Status of every listed test (FAIL_TO_PASS and PASS_TO_PASS). */
  tests: z.record(z.string(), RunStatus),
  test_ms: z.number(),
  error: z.string().nullable(),
  /**
   * How the canary tests came out (`{fail: 'failed', pass: 'passed'}` when the run's evidence held), with the odds a
   * guessing patch beats them (`guess`, 0–1), the weakly protected files (`weak`) and the tests whose input holds
   * their expected value (`echoed`, as in the attempt record); null when none ran.
   */
  canaries: z.object({ fail: z.string(), pass: z.string(), guess: z.number().optional(), weak: z.array(z.string()).optional(), echoed: AttemptRecord.shape.canaries.unwrap().unwrap().shape.echoed, unhooked: AttemptRecord.shape.canaries.unwrap().unwrap().shape.unhooked }).nullable().optional(),
  /** Why the run carried no canaries (an `exit-code` task); null when it did. */
  unprotected: z.string().nullable().optional(),
  /** Result channels compared (1, or 2 where the runner writes a second report). */
  channels: z.number().int().optional(),
});
export type PhaseRun = z.infer<typeof PhaseRun>;

/** A test whose status differed between runs of the same phase: its status in each run. */
export const FlakyTest = z.object({ test: z.string(), phase: Phase, runs: z.array(z.object({ run: z.number(), status: RunStatus })) });
export type FlakyTest = z.infer<typeof FlakyTest>;

export const TaskValidation = z.object({
  instance_id: z.string(),
  valid: z.boolean(),
  /** Why the task is invalid, one sentence each, naming the test, phase and runs; empty when valid. */
  reasons: z.array(z.string()),
  flaky: z.array(FlakyTest),
  runs: z.array(PhaseRun),
  /**
   * Gold evaluated once more without the canaries (and the second channel), made only when gold was
   * not resolved with them: a diagnosis, never a grade (`canaryCause`). Absent otherwise.
   */
  gold_without_canaries: PhaseRun.optional(),
  /** Wall time of this task's validation, milliseconds. */
  wall_ms: z.number(),
});
export type TaskValidation = z.infer<typeof TaskValidation>;

/** The validation report file (`--report`, JSON). */
export const ValidationReport = z.object({
  format_version: z.literal(1),
  tasks_dir: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  /** Wall time of the whole validation, milliseconds. */
  wall_ms: z.number(),
  runs: z.number().int(),
  sandbox: z.string(),
  valid: z.boolean(),
  tasks: z.array(TaskValidation),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

export interface ValidateOptions {
  sandbox: Sandbox;
  repoCache: RepoCache;
  /** Folder under which workspaces are made (and removed). */
  workDir: string;
  /** Repetitions of the whole check (default 3). */
  runs?: number;
  /**
   * Environment cache of `setup` (DESIGN.md §4): the first evaluation of a task runs setup and stores
   * its result; later ones restore it. Absent: setup runs in every evaluation.
   */
  envCache?: EnvCache;
  /** Called after each evaluation (progress). */
  onRun?: (run: PhaseRun) => void;
}

/**
 * Validates one structurally sound task (run `lintTasks` first): `runs` times, evaluates it with an
 * empty patch (test.patch alone, as the `noop` agent) and with gold.patch, each in a fresh
 * workspace with `setup`, then judges the runs with `judgeRuns`. When gold was not resolved, it is
 * evaluated once more without canaries (`gold_without_canaries`), and a gold that fails only with
 * them in is named as such (`canaryCause`); that run never makes a task valid. Never throws for a task's fault.
 */
export async function validateTask(task: TaskSpec, opts: ValidateOptions): Promise<TaskValidation> {
  const t0 = Date.now();
  const runs: PhaseRun[] = [];
  const n = opts.runs ?? 3;
  const evaluateAs = (phase: Phase, canaries: boolean) =>
    evaluate({
      task,
      modelPatch: phase === 'gold_and_test_patch' ? task.patch : '',
      gradeEmptyPatch: true,
      sandbox: opts.sandbox,
      repoCache: opts.repoCache,
      workDir: opts.workDir,
      ...(opts.envCache ? { envCache: opts.envCache } : {}),
      ...(canaries ? {} : { canaries: false }),
    });
  for (let run = 1; run <= n; run++) {
    for (const phase of Phase.options) {
      const pr = phaseRun(task, run, phase, await evaluateAs(phase, true));
      runs.push(pr);
      opts.onRun?.(pr);
    }
  }
  const { reasons, flaky } = judgeRuns(task, runs);
  const goldFailed = runs.some((r) => r.phase === 'gold_and_test_patch' && r.outcome !== 'resolved');
  const plain = goldFailed ? phaseRun(task, n + 1, 'gold_and_test_patch', await evaluateAs('gold_and_test_patch', false)) : undefined;
  const cause = plain ? canaryCause(task, runs, flaky, plain) : null;
  if (cause) reasons.unshift(cause);
  return { instance_id: task.instance_id, valid: reasons.length === 0, reasons, flaky, runs, ...(plain ? { gold_without_canaries: plain } : {}), wall_ms: Date.now() - t0 };
}

/**
 * Why gold fails only with the canaries in, or null: gold is resolved in `plain` (its run without
 * canaries) and no listed test was flaky with gold, yet every run with canaries was `unresolved` with
 * a verdict or `tampered` (never `isNoVerdict`: `plain` runs without the second channel and the
 * no-verdict rules too; never an infra error, a timeout or another outcome the canaries do not cause).
 * Names the listed tests that failed with the canaries in (or the evidence's failure when none did),
 * the likely cause (the task's tests share state or depend on their order: each canary is a copy of
 * one of the file's tests run beside it) and the fix. Pure.
 */
export function canaryCause(task: Pick<TaskSpec, 'FAIL_TO_PASS' | 'PASS_TO_PASS'> & Partial<Pick<TaskSpec, 'eval_type'>>, runs: readonly PhaseRun[], flaky: readonly FlakyTest[], plain: PhaseRun): string | null {
  const gold = runs.filter((r) => r.phase === 'gold_and_test_patch');
  if (plain.outcome !== 'resolved' || !gold.length || gold.some((r) => r.outcome === 'resolved') || flaky.some((f) => f.phase === 'gold_and_test_patch')) return null;
  // only a verdict (unresolved) or broken canary evidence (tampered) can be the canaries' doing; no verdict (a node:test run no second
  // channel fits), an infra error, a timeout or a patch that did not apply is named by judgeRuns' own reason
  if (gold.some((r) => isNoVerdict(r) || (r.outcome !== 'unresolved' && r.outcome !== 'tampered'))) return null;
  // a tampered run's results are no evidence of which test failed: only its outcome is named
  const first = gold.find((r) => r.outcome !== 'tampered') ?? gold[0]!;
  const failing = [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS].filter((id) => first.outcome !== 'tampered' && !listedTestPasses(first.tests[id], task.eval_type));
  const what = failing.length
    ? `listed test(s) fail: ${failing.slice(0, 5).map((id) => `${JSON.stringify(id)} ${first.tests[id] ?? 'MISSING'}`).join(', ')}${failing.length > 5 ? ', …' : ''}`
    : `the run is not resolved (${first.outcome}${first.error ? `: ${first.error.split('\n')[0]}` : ''})`;
  return (
    `gold fails only with the canary tests in: without them gold is resolved (run ${plain.run}, a diagnosis with no canaries), but with them ${what} (run ${first.run}). ` +
    'Likely cause: the tests share state or depend on their order (a counter, a cache or a fixture one test leaves for the next): each canary is a copy of one of the file\'s tests, run right before or after it, so a test counting on what earlier tests did sees it changed. ' +
    'Fix: make each test independent (its own state, or reset shared state in a beforeEach); there is no option to grade a task without canaries (tasks/README.md "Canary tests and result channels")'
  );
}

function phaseRun(task: TaskSpec, run: number, phase: Phase, r: EvaluationResult): PhaseRun {
  const tests: Record<string, TestStatus | 'MISSING'> = {};
  for (const id of [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS]) tests[id] = r.parsed[id] ?? 'MISSING';
  return {
    run, phase, outcome: r.outcome, tests, test_ms: r.test_ms, error: r.error,
    canaries: r.canaries ?? null, unprotected: r.unprotected ?? null, ...(r.channels ? { channels: r.channels } : {}),
  };
}

/**
 * The verdict on a task's runs. Pure. Reasons, in this order:
 * - a run whose evidence does not hold (`tampered`: the canary tests were not reported as they
 *   must be, e.g. test_cmd does not run the files they are added to, or it exits 0 on a failure);
 * - a run that gave no verdict (`infra_error`, `timeout`, `patch_failed`, or tests that did not run);
 * - flaky: a listed test whose status differs between runs of one phase (named with each run's status);
 * - with test.patch alone: noop resolves the task; a FAIL_TO_PASS test already passes at
 *   base_commit; a PASS_TO_PASS test does not pass;
 * - with gold.patch + test.patch: gold does not fix it (a listed test does not pass; under
 *   `eval_type: fail_only` one missing from the results passes, as SWE-bench grades it).
 * Flaky tests are judged by their first run only in the other checks, so each fault is named once.
 */
export function judgeRuns(task: Pick<TaskSpec, 'FAIL_TO_PASS' | 'PASS_TO_PASS'> & Partial<Pick<TaskSpec, 'eval_type'>>, runs: readonly PhaseRun[]): { reasons: string[]; flaky: FlakyTest[] } {
  const reasons: string[] = [];
  const flaky: FlakyTest[] = [];
  const q = (s: string) => JSON.stringify(s);
  for (const phase of Phase.options) {
    const mine = runs.filter((r) => r.phase === phase);
    for (const r of mine) {
      const ran = r.outcome === 'resolved' || r.outcome === 'unresolved';
      if (r.outcome === 'tampered') {
        reasons.push(`${PHASE_LABEL[phase]}, run ${r.run}: the run's evidence does not hold (tampered: ${r.error?.split('\n')[0] ?? 'no reason given'}); test_cmd must run the canary tests fixbench adds to test.patch's files and report them, and exit non-zero when a test fails`);
      } else if (!ran) reasons.push(`${PHASE_LABEL[phase]}, run ${r.run}: no test verdict (${r.outcome}${r.error ? `: ${r.error.split('\n')[0]}` : ''})`);
    }
    const ok = mine.filter((r) => r.outcome === 'resolved' || r.outcome === 'unresolved');
    if (!ok.length) continue;
    for (const id of [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS]) {
      const statuses = ok.map((r) => ({ run: r.run, status: r.tests[id] ?? 'MISSING' }));
      if (new Set(statuses.map((s) => s.status)).size > 1) {
        flaky.push({ test: id, phase, runs: statuses });
        reasons.push(`flaky test ${q(id)} ${PHASE_LABEL[phase]}: ${statuses.map((s) => `run ${s.run} ${s.status}`).join(', ')}`);
      }
    }
    const first = ok[0]!;
    const runsWhere = (id: string, pred: (s: string) => boolean) =>
      ok.filter((r) => pred(r.tests[id] ?? 'MISSING')).map((r) => r.run);
    const runList = (rs: number[]) => `run${rs.length > 1 ? 's' : ''} ${rs.join(', ')}`;
    if (phase === 'test_patch_only') {
      if (ok.some((r) => r.outcome === 'resolved')) {
        reasons.push(`noop resolves the task: every listed test passes ${PHASE_LABEL[phase]} (${runList(ok.filter((r) => r.outcome === 'resolved').map((r) => r.run))})`);
      }
      for (const id of task.FAIL_TO_PASS) {
        const rs = runsWhere(id, (s) => s === 'PASSED');
        if (rs.length && first.tests[id] === 'PASSED') reasons.push(`FAIL_TO_PASS test ${q(id)} already passes at base_commit ${PHASE_LABEL[phase]} (${runList(rs)}); it does not check the fix`);
      }
      for (const id of task.PASS_TO_PASS) {
        if (first.tests[id] !== 'PASSED') reasons.push(`PASS_TO_PASS test ${q(id)} does not pass ${PHASE_LABEL[phase]}: ${first.tests[id]} (run ${first.run})`);
      }
    } else {
      const failing = [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS].filter((id) => !listedTestPasses(first.tests[id], task.eval_type));
      if (failing.length) {
        reasons.push(
          `gold does not fix it: ${failing.length} listed test(s) do not pass ${PHASE_LABEL[phase]} (run ${first.run}): ` +
            failing.slice(0, 5).map((id) => `${q(id)} ${first.tests[id]}`).join(', ') + (failing.length > 5 ? ', …' : ''),
        );
      }
      // every listed test may read PASSED in the report while the grade is no verdict (a parent test's own failure: atkR15 #3)
      for (const r of ok) {
        if (r.outcome !== 'resolved' && !failing.length) reasons.push(`gold is not resolved ${PHASE_LABEL[phase]} (run ${r.run}) although its listed tests pass${r.error ? `: ${r.error.split('\n')[0]}` : ''}`);
      }
    }
  }
  return { reasons, flaky };
}
