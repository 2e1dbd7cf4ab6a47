// The name of a task suite where a page lists runs by suite: the ids of its tasks, which a reader
// knows, rather than its hash (src/tasks/suite-hash.ts), which the page keeps as a tooltip.

/** How many task ids a suite's name spells out before "and <n> more". */
export const NAMED_TASKS = 3;

/**
 * A suite's name from its task ids (`header.suite.instance_ids`, in any order): the first
 * {@link NAMED_TASKS} ids in name order, then `and <n> more` for the rest; e.g.
 * `js-csv-1, js-csv-2, js-csv-3 and 13 more` (the bundled suite). `null` for no ids (a run stored without them).
 */
export function suiteName(ids: readonly string[]): string | null {
  if (ids.length === 0) return null;
  const sorted = [...new Set(ids)].sort();
  const shown = sorted.slice(0, NAMED_TASKS).join(', ');
  return sorted.length > NAMED_TASKS ? `${shown} and ${sorted.length - NAMED_TASKS} more` : shown;
}
