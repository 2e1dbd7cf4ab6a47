// The stricter variant of a verdict (task.yaml `strict_pass_to_pass`, filled by `tasks import
// --compute-pass-to-pass`): the SWE-bench verdict plus every test gold passed that the lists do not
// name. Kept apart from `outcome`, so the SWE-bench score is never mixed with it.
import type { TestStatus } from './types.ts';

/**
 * `{ resolved_strict }` for a task with a `strict_pass_to_pass` list: true when the SWE-bench
 * verdict is resolved and every id of the list is PASSED in `results` (a missing or skipped test
 * fails it, as PASS_TO_PASS does); `{}` for a task without the list. Pure.
 */
export function strictResolved(task: { strict_pass_to_pass?: string[] }, resolved: boolean, results: ReadonlyMap<string, TestStatus>): { resolved_strict?: boolean } {
  if (!task.strict_pass_to_pass) return {};
  return { resolved_strict: resolved && task.strict_pass_to_pass.every((id) => results.get(id) === 'PASSED') };
}

/**
 * The tests one gold run passed that neither list names (`listed`, compared as given): the
 * `strict_pass_to_pass` of a task, sorted. `results` are the run's parsed tests (fixbench ids).
 */
export function computedPassToPass(results: Readonly<Record<string, TestStatus>>, listed: readonly string[]): string[] {
  const named = new Set(listed);
  return Object.entries(results).filter(([id, s]) => s === 'PASSED' && !named.has(id)).map(([id]) => id).sort();
}

/**
 * The stricter variant per contender, for the end-of-run summary: `contender → {strict, of}`,
 * counting only attempts at tasks with `strict_pass_to_pass` (`resolved_strict` recorded) that are
 * graded (infra errors left out, as from every rate). Empty when no task has the list.
 */
export function strictCounts(attempts: readonly { contender: string; outcome: string; resolved_strict?: boolean }[]): Map<string, { strict: number; of: number }> {
  const out = new Map<string, { strict: number; of: number }>();
  for (const a of attempts) {
    if (a.resolved_strict === undefined || a.outcome === 'infra_error') continue;
    const c = out.get(a.contender) ?? { strict: 0, of: 0 };
    c.of++;
    if (a.resolved_strict) c.strict++;
    out.set(a.contender, c);
  }
  return out;
}

/** Summary lines of `strictCounts`, one per contender, stating they are not the SWE-bench score. */
export function strictSummaryLines(attempts: readonly { contender: string; outcome: string; resolved_strict?: boolean }[]): string[] {
  return [...strictCounts(attempts)].map(([id, c]) => `  ${id}: strict ${c.strict}/${c.of} (resolved with every test gold passes; tasks with computed strict_pass_to_pass; not the SWE-bench score)`);
}
