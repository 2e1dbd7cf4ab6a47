// Budget curves (DESIGN.md §9): resolved rate under a per-attempt cap on USD or on agent steps,
// computed after the fact from recorded attempts.
import type { ResultMatrix } from './matrix.ts';

/** One point of a budget curve. */
export interface BudgetPoint {
  /** The cap: USD per attempt, or agent steps per attempt. */
  cap: number;
  /** Attempts resolved within the cap. */
  resolved: number;
  /** resolved / trials, in [0, 1]. */
  rate: number;
}

/** A contender's budget curve. */
export interface BudgetCurve {
  id: string;
  /** Denominator: every task of the suite × attempts per task (missing and infra errors count as not resolved). */
  trials: number;
  /**
   * Exact breakpoints: one point per distinct value at which the rate rises (the cost or steps of
   * a resolved attempt), ascending; the curve is a right-continuous step function, 0 below the
   * first point. Null when the contender's USD is unknown (USD curves only).
   */
  steps: BudgetPoint[] | null;
  /** The curve evaluated at each cap of the shared grid ({@link BudgetCurves.grid}); null when unknown. */
  atGrid: BudgetPoint[] | null;
}

/** Budget curves of every contender over a shared grid of caps. */
export interface BudgetCurves {
  unit: 'usd' | 'steps';
  /** Caps on a log grid spanning the positive values of the data, ascending (empty when no positive value). */
  grid: number[];
  curves: BudgetCurve[];
}

/** Options of the budget curves. */
export interface BudgetOptions {
  /** Number of log-spaced caps in the grid (default 25, at least 2). */
  gridPoints?: number;
}

/**
 * `points` caps spaced evenly in log between `min` and `max` inclusive (both > 0): min·(max/min)^(i/(points−1)).
 * min = max gives [min].
 *
 * @throws RangeError when min or max is not a positive finite number, min > max, or points < 2 or not an integer.
 */
export function logGrid(min: number, max: number, points: number): number[] {
  void min;
  void max;
  void points;
  throw new Error('not implemented');
}

/**
 * Resolved rate against a per-attempt USD cap: under cap C an attempt counts as resolved only if
 * it resolved AND its `list_usd` ≤ C (an attempt that would have been stopped by a cap C is
 * treated as unresolved — an optimistic bound, since the harness would stop it rather than let it
 * finish). Every attempt of the suite is in the denominator. Contenders with an unknown price get
 * null curves; reference agents (no model) cost 0. Grid: {@link logGrid} from the smallest to the
 * largest positive `list_usd` of a resolved attempt over all contenders.
 * O(contenders × (trials · log trials + grid)).
 */
export function usdBudgetCurves(matrix: ResultMatrix, options: BudgetOptions = {}): BudgetCurves {
  void matrix;
  void options;
  throw new Error('not implemented');
}

/**
 * Resolved rate against a per-attempt cap on agent steps: under cap S an attempt counts as
 * resolved only if it resolved AND took ≤ S steps. Same denominator and grid rule as
 * {@link usdBudgetCurves}; step caps in the grid are rounded to whole steps (duplicates dropped).
 */
export function stepBudgetCurves(matrix: ResultMatrix, options: BudgetOptions = {}): BudgetCurves {
  void matrix;
  void options;
  throw new Error('not implemented');
}
