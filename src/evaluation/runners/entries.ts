// From the tests a runner reported (each as its id parts and status) to per-test results, with the
// duplicate rule every runner adapter shares.
import type { TestStatus } from '../types.ts';
import { cleanName, joinId } from '../parse/names.ts';
import type { TestResults } from '../parse/types.ts';

/** One test as a runner adapter read it: `parts` are `[file, suite…, title]` (raw, cleaned here; empty parts left out). */
export interface TestEntry {
  parts: readonly string[];
  status: TestStatus;
}

/**
 * The suffix that tells apart the second and later tests of one id: ` #2`, ` #3`, … in report
 * order. The canary check reads an id with this suffix as its base id (a twin of a canary stays a
 * twin).
 */
export const DUPLICATE_SUFFIX_RE = / #\d+$/;

/**
 * Per-test results from `entries`, in report order. Each part is cleaned (`cleanName`: ANSI codes,
 * one appended duration, the id rule) and the parts joined (`joinId`). The n-th test (n ≥ 2) with
 * an id already taken is recorded as `<id> #n`, never merged with the first, so each keeps its own
 * status (a file that runs the same title twice in a row gives `t` and `t #2`). `duplicates` counts
 * the renamed tests (0 when every id was unique). An id already taken (also by an earlier twin's
 * ` #n`) is never overwritten. Grading folds unlisted twins into the listed id (grade.ts
 * `twinStatuses`): a twin registered first cannot hide the real test's failure.
 */
export function resultsOf(entries: Iterable<TestEntry>): { results: TestResults; duplicates: number } {
  const results: TestResults = new Map();
  const seen = new Map<string, number>();
  let duplicates = 0;
  for (const e of entries) {
    const base = joinId(e.parts.map(cleanName));
    if (base === '') continue;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    let id = base;
    // Taken by an earlier test of this id, or by an earlier twin's ` #n` (a test really titled
    // `t #2` after `t`, `t`): never overwrite, so each test keeps its own status.
    if (results.has(id)) {
      duplicates++;
      let k = Math.max(n, 2);
      while (results.has((id = `${base} #${k}`))) k++;
    }
    results.set(id, e.status);
  }
  return { results, duplicates };
}
