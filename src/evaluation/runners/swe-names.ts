// Test names as SWE-bench's per-repository log parsers write them, where they differ in form from
// the runner's own full name (docs/runner-adapters.md#names-as-swe-bench-writes-them).
import type { TaskSpec } from '../../config/task.ts';

/**
 * How a runner's tests are named for a task's listed SWE-bench names:
 * - `full`: the runner's own full name (mocha's `fullTitle`, jasmine's full spec name), as most
 *   of SWE-bench's JavaScript log parsers write them (Prism reads mocha's JSON `fullTitle`);
 * - `suite-dot`: `<suite>.<title>`, as `parse_log_highlightjs` reads mocha's spec reporter:
 *   the title of the describe printed last before the test line (the innermost one: mocha runs
 *   a suite's own tests before its child suites), a dot, the test title; a test outside any
 *   describe is its title alone.
 */
export type SweNameForm = 'full' | 'suite-dot';

/** SWE-bench log parsers (task.yaml `swe_bench.log_parser`, kept by import) that write `suite-dot` names. */
const SUITE_DOT_PARSERS: ReadonlySet<string> = new Set(['parse_log_highlightjs']);

/**
 * The name form for `task`: `suite-dot` when its ids are SWE-bench's (`ids: swe-bench`) and its
 * `swe_bench.log_parser` is one that writes them; else `full`.
 */
export function sweNameForm(task: Partial<Pick<TaskSpec, 'ids' | 'swe_bench'>>): SweNameForm {
  const parser = task.swe_bench?.['log_parser'];
  return task.ids === 'swe-bench' && typeof parser === 'string' && SUITE_DOT_PARSERS.has(parser) ? 'suite-dot' : 'full';
}

/**
 * The `suite-dot` names a test may have, from what a mocha JSON report gives: `suites` (every
 * describe title, outermost first, joined by single spaces: `fullTitle` without the title; '' for
 * a test outside any describe) and `title`. The innermost describe title is not in the report on
 * its own, and titles may hold spaces, so each suffix of `suites` that starts a word is a
 * candidate (`a b c` gives `c.t`, `b c.t`, `a b c.t`); the true name is one of them. A listed
 * name matching a candidate of another test too folds both (worst status), never looser.
 * @returns the candidates, shortest suite first; `[title]` when `suites` is ''.
 */
export function suiteDotNames(suites: string, title: string): string[] {
  if (suites === '') return [title];
  const out = new Set<string>();
  for (let i = suites.lastIndexOf(' '); i >= 0; i = suites.lastIndexOf(' ', i - 1)) {
    if (i < suites.length - 1) out.add(`${suites.slice(i + 1)}.${title}`);
    if (i === 0) break;
  }
  out.add(`${suites}.${title}`);
  return [...out];
}
