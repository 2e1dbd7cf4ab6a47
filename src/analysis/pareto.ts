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
  const known = points.filter(isKnown);
  return known
    .filter((p) => !known.some((q) => dominates(q, p)))
    .sort(byCostThenRate)
    .map((p) => p.id);
}

type KnownPoint = CostRatePoint & { usd: number; rate: number };

function isKnown(p: CostRatePoint): p is KnownPoint {
  return p.usd !== null && p.rate !== null && Number.isFinite(p.usd) && Number.isFinite(p.rate);
}

function byCostThenRate(a: KnownPoint, b: KnownPoint): number {
  return a.usd - b.usd || b.rate - a.rate || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * For each point, the ids of the points that dominate it (see {@link dominates}), sorted by
 * ascending cost, then descending rate, then id. A point on the frontier maps to []. Points with an
 * unknown cost or rate neither dominate nor are dominated (they map to []). Keys in input order.
 * O(n²).
 */
export function dominatedBy(points: readonly CostRatePoint[]): Map<string, string[]> {
  const known = points.filter(isKnown);
  const out = new Map<string, string[]>();
  for (const p of points) {
    if (!isKnown(p)) {
      out.set(p.id, []);
      continue;
    }
    out.set(
      p.id,
      known
        .filter((q) => dominates(q, p))
        .sort(byCostThenRate)
        .map((q) => q.id),
    );
  }
  return out;
}
