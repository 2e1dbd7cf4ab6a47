// Budget curves (DESIGN.md §9): resolved rate under a per-attempt cap on USD or on agent steps,
// computed after the fact from recorded attempts.
import type { Cell, ResultMatrix } from './matrix.ts';

/** One point of a budget curve. */
export interface BudgetPoint {
  /** The cap: USD per attempt, or agent steps per attempt. */
  cap: number;
  /** Attempts resolved within the cap. */
  resolved: number;
  /** resolved / graded trials (infra errors left out), in [0, 1]. */
  rate: number;
}

/** A contender's budget curve. */
export interface BudgetCurve {
  id: string;
  /** Denominator: graded trials, every task of the suite × attempts per task less the infra errors (missing attempts count as not resolved). */
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
  if (!Number.isFinite(min) || !Number.isFinite(max) || min <= 0 || max <= 0 || min > max) {
    throw new RangeError(`logGrid: need finite 0 < min ≤ max, got min=${min}, max=${max}`);
  }
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`logGrid: points must be an integer ≥ 2, got ${points}`);
  if (min === max) return [min];
  const ratio = max / min;
  return Array.from({ length: points }, (_, i) => (i === 0 ? min : i === points - 1 ? max : min * ratio ** (i / (points - 1))));
}

/**
 * Resolved rate against a per-attempt USD cap: under cap C an attempt counts as resolved only if
 * it resolved AND its `list_usd` ≤ C. This is a lower bound of what a run with that cap would
 * score: an attempt within the cap would have run exactly the same, while one past it would have
 * been stopped (`cost_limit`) and is counted as not resolved, although the patch it had by then
 * might have passed. Every attempt of the suite is in the denominator. A contender gets null curves when the
 * USD of any of its resolved attempts is unknown (a model with no price row); reference agents (no
 * model) cost 0, so they sit at their full rate from cap 0. Grid: {@link logGrid} from the
 * smallest to the largest positive `list_usd` of a resolved attempt over all contenders with known
 * costs. O(contenders × (trials · log trials + grid)).
 *
 * @throws RangeError when options.gridPoints is not an integer ≥ 2.
 */
export function usdBudgetCurves(matrix: ResultMatrix, options: BudgetOptions = {}): BudgetCurves {
  return budgetCurves(matrix, 'usd', (cell) => cell.listUsd, options);
}

/**
 * Resolved rate against a per-attempt cap on agent steps: under cap S an attempt counts as
 * resolved only if it resolved AND took ≤ S steps (a lower bound, as for USD: an attempt past
 * the cap would have hit `step_limit`). Same denominator and grid rule as
 * {@link usdBudgetCurves}; step caps in the grid are rounded to whole steps (duplicates dropped).
 *
 * @throws RangeError when options.gridPoints is not an integer ≥ 2.
 */
export function stepBudgetCurves(matrix: ResultMatrix, options: BudgetOptions = {}): BudgetCurves {
  return budgetCurves(matrix, 'steps', (cell) => cell.steps, options);
}

function budgetCurves(matrix: ResultMatrix, unit: BudgetCurves['unit'], valueOf: (cell: Cell) => number | null, options: BudgetOptions): BudgetCurves {
  const gridPoints = options.gridPoints ?? 25;
  if (!Number.isInteger(gridPoints) || gridPoints < 2) throw new RangeError(`budget curves: gridPoints must be an integer ≥ 2, got ${gridPoints}`);
  const trials = matrix.tasks.length * matrix.attemptsPerTask;
  // Sorted values of each contender's resolved attempts; null when one is unknown.
  const values = matrix.contenders.map((_, ci) => {
    const out: number[] = [];
    for (const attempts of matrix.cells[ci] ?? []) {
      for (const cell of attempts) {
        if (!cell?.resolved) continue;
        const v = valueOf(cell);
        if (v === null) return null;
        out.push(v);
      }
    }
    return out.sort((x, y) => x - y);
  });
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const vs of values) {
    for (const v of vs ?? []) {
      if (v > 0) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  let grid = max > 0 ? logGrid(min, max, gridPoints) : [];
  if (unit === 'steps') grid = [...new Set(grid.map((g) => Math.round(g)))];
  const curves = matrix.contenders.map((c, ci): BudgetCurve => {
    // Graded trials: infra errors leave the denominator, as in the leaderboard (DESIGN.md §6).
    let infra = 0;
    for (const attempts of matrix.cells[ci] ?? []) for (const cell of attempts) if (cell?.kind === 'infra_error') infra += 1;
    const graded = trials - infra;
    const rate = (resolved: number): number => (graded > 0 ? resolved / graded : 0);
    const vs = values[ci]!;
    if (vs === null) return { id: c.id, trials: graded, steps: null, atGrid: null };
    const steps: BudgetPoint[] = [];
    for (let i = 0; i < vs.length; i++) {
      if (i + 1 < vs.length && vs[i + 1] === vs[i]) continue;
      steps.push({ cap: vs[i]!, resolved: i + 1, rate: rate(i + 1) });
    }
    let k = 0;
    const atGrid = grid.map((cap) => {
      while (k < vs.length && vs[k]! <= cap) k += 1;
      return { cap, resolved: k, rate: rate(k) };
    });
    return { id: c.id, trials: graded, steps, atGrid };
  });
  return { unit, grid, curves };
}
