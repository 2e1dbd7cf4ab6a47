// Pareto frontier of price versus accuracy (DESIGN.md §8): lower mean USD per task, higher resolved rate.

/** A point to compare: cost in USD (null = unknown), rate in [0, 1]. */
export interface CostRatePoint {
  id: string;
  /** Mean USD per task; null (unknown) excludes the point. */
  usd: number | null;
  /** Resolved rate; null (no trials) excludes the point. */
  rate: number | null;
}

/** `a` dominates `b` when it costs no more, resolves no less, and is strictly better in one of the two. */
export function dominates(a: { usd: number; rate: number }, b: { usd: number; rate: number }): boolean {
  return a.usd <= b.usd && a.rate >= b.rate && (a.usd < b.usd || a.rate > b.rate);
}

/**
 * Ids of the points no other point dominates (see {@link dominates}), in ascending cost (ties by
 * descending rate, then id). Points with an unknown cost or rate take no part, neither on the
 * frontier nor as dominators. Identical points (same cost and rate) do not dominate each other, so
 * all of them are on the frontier. O(n²): n is the number of contenders of a run.
 *
 * Which points are eligible is the caller's choice: the report passes only points it can plot on a
 * log axis (cost > 0), so that a free reference agent (`gold`) does not dominate every model.
 */
export function paretoFrontier(points: readonly CostRatePoint[]): string[] {
  const known = points.filter(
    (p): p is CostRatePoint & { usd: number; rate: number } => p.usd !== null && p.rate !== null && Number.isFinite(p.usd) && Number.isFinite(p.rate),
  );
  return known
    .filter((p) => !known.some((q) => dominates(q, p)))
    .sort((a, b) => a.usd - b.usd || b.rate - a.rate || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((p) => p.id);
}
