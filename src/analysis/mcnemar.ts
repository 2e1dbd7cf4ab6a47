// Paired comparison of contenders on the same tasks: McNemar's exact test with Holm's correction
// across pairs (DESIGN.md §8).
import { contenderIndices, firstAttempts, pairTable, type ResultMatrix } from './matrix.ts';

/**
 * Two-sided exact McNemar test (the exact binomial / sign test on the discordant pairs): with
 * b = tasks only A resolved and c = tasks only B resolved, n = b + c, under H0 each discordant
 * task goes either way with probability ½:
 *
 *   p = min(1, 2 · Σ_{i=0}^{min(b,c)} C(n, i) / 2ⁿ)
 *
 * Source: Q. McNemar, "Note on the sampling error of the difference between correlated
 * proportions or percentages", Psychometrika 12(2):153–157, 1947; exact form as in
 * A. Agresti, "Categorical Data Analysis" (3rd ed., 2013) §11.1.1. For n ≤ 1000 the binomial
 * coefficients are summed directly and scaled by 2^(1−n) (exact for small n); beyond, C(n, m)/2ⁿ
 * is taken in log space, so large n neither overflows nor underflows.
 * No discordant pairs (b = c = 0) gives p = 1: no evidence of a difference.
 *
 * @throws RangeError when b or c is not a non-negative integer (NaN included).
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`mcnemarExact: discordant counts must be non-negative integers, got b=${b}, c=${c}`);
  }
  const n = b + c;
  const m = Math.min(b, c);
  if (n === 0 || b === c) return 1;
  if (n <= 1000) {
    // Σ_{i=0}^{m} C(n,i) in doubles (exact while below 2⁵³), then × 2^(1−n): scaling by a power
    // of two is exact, so small cases give the exact binary fraction (b=1, c=6 → 0.125).
    let term = 1;
    let tail = 1;
    for (let i = 0; i < m; i++) {
      term = (term * (n - i)) / (i + 1);
      tail += term;
    }
    return Math.min(1, tail * 2 ** (1 - n));
  }
  // Large n: 2ⁿ overflows. Tail = C(n,m) · Σ rᵢ with r_m = 1, r_{i−1} = rᵢ · i / (n − i + 1):
  // the terms grow with i ≤ m < n/2, so every ratio is ≤ 1; C(n,m)/2ⁿ is taken in log space.
  let ratios = 1;
  let r = 1;
  for (let i = m; i >= 1; i--) {
    r *= i / (n - i + 1);
    ratios += r;
  }
  let logChoose = 0;
  for (let j = 1; j <= m; j++) logChoose += Math.log((n - m + j) / j);
  const p = 2 * Math.exp(logChoose - n * Math.LN2) * ratios;
  return Math.min(1, p);
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
  pValues.forEach((p, i) => {
    if (typeof p !== 'number' || Number.isNaN(p) || p < 0 || p > 1) {
      throw new RangeError(`holm: p-value #${i} must be a number in [0, 1], got ${p}`);
    }
  });
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]! || i - j);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]!));
    adjusted[idx] = running;
  });
  return adjusted;
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
  const members = contenderIndices(matrix, ids).sort((x, y) => x - y);
  const firsts = members.map((ci) => firstAttempts(matrix, ci));
  const rows: Array<Omit<PairwiseComparison, 'pHolm'>> = [];
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const t = pairTable(firsts[i]!, firsts[j]!);
      const tasks = t.both + t.onlyA + t.onlyB + t.neither;
      const rateA = tasks > 0 ? (t.both + t.onlyA) / tasks : null;
      const rateB = tasks > 0 ? (t.both + t.onlyB) / tasks : null;
      rows.push({
        a: matrix.contenders[members[i]!]!.id,
        b: matrix.contenders[members[j]!]!.id,
        tasks,
        rateA,
        rateB,
        diff: rateA !== null && rateB !== null ? rateA - rateB : null,
        ...t,
        p: mcnemarExact(t.onlyA, t.onlyB),
      });
    }
  }
  const adjusted = holm(rows.map((r) => r.p));
  return rows.map((r, i) => ({ ...r, pHolm: adjusted[i]! }));
}
