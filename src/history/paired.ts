// McNemar's exact test for paired binary outcomes (same tasks, two runs). Pure.
// (Written here, apart from src/analysis, to avoid a merge clash with a parallel analysis module;
// the two can be unified later.)

/**
 * Two-sided exact McNemar p-value: under H0 the discordant pairs split Binomial(b + c, 1/2), so
 * p = min(1, 2 · P[X ≤ min(b, c)]). Source: McNemar (1947); exact binomial form as in
 * Fagerland, Lydersen & Laake, "The McNemar test for binary matched-pairs data" (BMC Med Res
 * Methodol 2013). 1 when there is no discordant pair.
 * @param b pairs positive in the first run only (e.g. resolved in base, not in head)
 * @param c pairs positive in the second run only
 * @throws RangeError for negative or non-integer counts.
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`McNemar counts must be whole numbers ≥ 0 (got ${b}, ${c})`);
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P[X ≤ k] for X ~ Bin(n, 1/2), summed in log space so large n stays exact enough.
  let logC = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}
