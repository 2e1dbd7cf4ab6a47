// Paired comparison of contenders on the same tasks: McNemar's exact test with Holm's correction
// across pairs (DESIGN.md §8).
import type { ResultMatrix } from './matrix.ts';

/**
 * Two-sided exact McNemar test (the exact binomial / sign test on the discordant pairs): with
 * b = tasks only A resolved and c = tasks only B resolved, n = b + c, under H0 each discordant
 * task goes either way with probability ½:
 *
 *   p = min(1, 2 · Σ_{i=0}^{min(b,c)} C(n, i) / 2ⁿ)
 *
 * Source: Q. McNemar, "Note on the sampling error of the difference between correlated
 * proportions or percentages", Psychometrika 12(2):153–157, 1947; exact form as in
 * A. Agresti, "Categorical Data Analysis" (3rd ed., 2013) §11.1.1. Summed in log space, so
 * large n (beyond 2¹⁰²⁴) neither overflows nor underflows.
 * No discordant pairs (b = c = 0) gives p = 1: no evidence of a difference.
 *
 * @throws RangeError when b or c is not a non-negative integer (NaN included).
 */
export function mcnemarExact(b: number, c: number): number {
  void b;
  void c;
  throw new Error('not implemented');
}

/**
 * Holm–Bonferroni adjusted p-values, in input order. Sorting p ascending as p₍₁₎ ≤ … ≤ p₍ₘ₎:
 *
 *   p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1) · p₍ⱼ₎)
 *
 * Reject H₍ᵢ₎ at level α when p̃₍ᵢ₎ ≤ α; controls the family-wise error rate.
 * Source: S. Holm, "A simple sequentially rejective multiple test procedure", Scandinavian
 * Journal of Statistics 6(2):65–70, 1979 (adjusted form as in R's `p.adjust(method = "holm")`).
 * Empty input gives an empty array.
 *
 * @throws RangeError when a value is not a number in [0, 1] (NaN included).
 */
export function holm(pValues: readonly number[]): number[] {
  void pValues;
  throw new Error('not implemented');
}

/** One pair of contenders compared on the tasks both have a usable first attempt at. */
export interface PairwiseComparison {
  /** Contender ids; `a` comes before `b` in matrix (header) order. */
  a: string;
  b: string;
  /** Paired tasks: both have attempt 0 recorded and not `infra_error`. */
  tasks: number;
  /** Resolved rate of a / b on those tasks; null when tasks = 0. */
  rateA: number | null;
  rateB: number | null;
  /** rateA − rateB; null when tasks = 0. */
  diff: number | null;
  /** Discordant pairs: tasks only a resolved (McNemar's b), only b resolved (McNemar's c). */
  onlyA: number;
  onlyB: number;
  /** Tasks both resolved, tasks neither resolved. */
  both: number;
  neither: number;
  /** Exact McNemar two-sided p-value ({@link mcnemarExact}); 1 when no discordant pairs. */
  p: number;
  /** Holm-adjusted p over all pairs returned ({@link holm}). */
  pHolm: number;
}

/**
 * Every unordered pair of the given contenders (default: all of the matrix), in matrix order
 * (a before b). Each task contributes its FIRST attempt (attempt 0) of each side — the pass@1
 * sample, one binary observation per task as McNemar requires (a per-task majority is undefined
 * for an even number of attempts). Tasks where either side's attempt 0 is missing or an
 * `infra_error` are left out of that pair. p-values are Holm-adjusted across all returned pairs.
 * O(pairs × tasks).
 *
 * @throws RangeError when an id in `ids` is not a contender of the matrix.
 */
export function pairwiseComparisons(matrix: ResultMatrix, ids?: readonly string[]): PairwiseComparison[] {
  void matrix;
  void ids;
  throw new Error('not implemented');
}
