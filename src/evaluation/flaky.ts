// Flakiness: which tests gave different results across repeated runs of the same evaluation. Pure.
import type { TestStatus } from './types.ts';

/**
 * Ids (in `ids` order) whose status differs between any two runs; a test missing from a run counts
 * as the status `MISSING` there. `runs` are the `parsed` maps of each evaluation.
 */
export function flakyTests(ids: readonly string[], runs: ReadonlyArray<Record<string, TestStatus>>): string[] {
  if (runs.length < 2) return [];
  return ids.filter((id) => new Set(runs.map((r) => r[id] ?? 'MISSING')).size > 1);
}
