// The run-time signal of a live cascade stage (DESIGN.md §13): the "visible check" — the stage's
// patch applies on a fresh checkout and every PASS_TO_PASS test passes, run in the sandbox — without
// test.patch and without FAIL_TO_PASS, so the escalation decision never sees the hidden tests.
import type { TaskSpec } from '../config/task.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import { isNoVerdict } from '../evaluation/eval-text.ts';
import type { RepoCache } from '../workspace/index.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import type { Sandbox } from '../sandbox/types.ts';

/** The check's answer: passed, failed (with why), or a fault of the harness (the cascade stops). Units: ms. */
export type VisibleCheck = { kind: 'passed' | 'failed'; reason: string; ms: number } | { kind: 'fault'; reason: string; ms: number };

export interface VisibleCheckOptions {
  task: TaskSpec;
  /** The stage's patch (non-empty). */
  patch: string;
  sandbox: Sandbox;
  repoCache: RepoCache;
  /** Folder the check's workspace is made in (and removed from). */
  workDir: string;
  envCache?: EnvCache;
}

/**
 * Runs the visible check: `evaluate` with FAIL_TO_PASS emptied and test.patch left out
 * (`visibleOnly`: its files stay protected, restored to base_commit), without canaries (a signal, not
 * a grade: the final patch is graded with canaries as any attempt). A PASS_TO_PASS test missing from
 * the visible run's results is one the hidden test.patch adds (invisible at run time): it is left out
 * of the check and counted in the reason; the check still needs a test verdict (the no-verdict rule)
 * and at least one listed PASS_TO_PASS test present. Known limit: a patch that keeps a whole test
 * file from loading hides its tests from the check (the final grade counts them as failed). Never throws.
 */
export async function visibleCheck(o: VisibleCheckOptions): Promise<VisibleCheck> {
  const r = await evaluate({
    task: { ...o.task, FAIL_TO_PASS: [] }, modelPatch: o.patch, sandbox: o.sandbox, repoCache: o.repoCache, workDir: o.workDir,
    canaries: false, visibleOnly: true, ...(o.envCache ? { envCache: o.envCache } : {}),
  });
  const ms = r.test_ms;
  const p2p = o.task.PASS_TO_PASS.length;
  if (isNoVerdict(r)) return { kind: 'failed', reason: `visible check failed: ${r.error}`, ms };
  if (r.outcome === 'unresolved' && r.tests_status) {
    const failures = r.tests_status.PASS_TO_PASS.failure;
    const failed = failures.filter((id) => Object.hasOwn(r.parsed, id));
    const unseen = failures.length - failed.length;
    const note = unseen ? `; ${unseen} listed PASS_TO_PASS test(s) are not in the visible suite (the hidden test.patch adds them) and were not checked` : '';
    if (failed.length === 0 && p2p - unseen > 0) return { kind: 'passed', reason: `visible check passed: the patch applies and the ${p2p - unseen} visible PASS_TO_PASS test(s) pass${note}`, ms };
    if (failed.length === 0) return { kind: 'failed', reason: `visible check failed: none of the ${p2p} PASS_TO_PASS test(s) is in the visible run's results`, ms };
    return { kind: 'failed', reason: `visible check failed: ${failed.length} of ${p2p - unseen} visible PASS_TO_PASS test(s) failed${note}`, ms };
  }
  switch (r.outcome) {
    case 'resolved':
      return { kind: 'passed', reason: `visible check passed: the patch applies and ${p2p === 0 ? 'the tests give a verdict (the task lists no PASS_TO_PASS test)' : `all ${p2p} PASS_TO_PASS test(s) pass`}`, ms };
    case 'infra_error':
      return { kind: 'fault', reason: `visible check: ${r.error ?? 'harness fault'}`, ms };
    case 'patch_failed':
      return { kind: 'failed', reason: 'visible check failed: the patch does not apply', ms };
    case 'empty_patch':
      return { kind: 'failed', reason: `visible check failed: ${r.error ?? 'nothing to apply'}`, ms };
    case 'timeout':
      return { kind: 'failed', reason: 'visible check failed: the tests timed out', ms };
    default: {
      const failed = r.tests_status?.PASS_TO_PASS.failure.length ?? p2p;
      return { kind: 'failed', reason: `visible check failed: ${failed} of ${p2p} PASS_TO_PASS test(s) failed${r.error ? ` (${r.error})` : ''}`, ms };
    }
  }
}
