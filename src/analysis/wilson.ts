// Wilson score confidence interval of a binomial proportion (DESIGN.md §8: resolved rate with Wilson 95%).

/** Two-sided 95% normal quantile, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

/** A closed interval of proportions, both ends in [0, 1]. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for `k` successes in `n` trials (default: 95%, z = 1.959963984540054).
 *
 * With p̂ = k/n:
 *   centre    = (p̂ + z²/(2n)) / (1 + z²/n)
 *   halfWidth = z / (1 + z²/n) · √( p̂(1−p̂)/n + z²/(4n²) )
 *   interval  = [centre − halfWidth, centre + halfWidth]
 *
 * Source: E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
 * Journal of the American Statistical Association 22(158):209–212, 1927; recommended over the
 * Wald interval for small n by Brown, Cai & DasGupta, "Interval Estimation for a Binomial
 * Proportion", Statistical Science 16(2):101–133, 2001 (their eq. 4).
 *
 * The ends are exactly 0 when k = 0 and exactly 1 when k = n (the formula gives these in exact
 * arithmetic; we pin them so floating-point rounding cannot leave −1e-17 or 0.9999999999999999).
 *
 * n = 0 returns `null`: no trials carry no information, and a report shows "no data" rather than
 * a [0, 1] bar that looks like a measurement.
 *
 * @throws RangeError when k or n is not an integer, or k ∉ [0, n].
 */
export function wilsonInterval(k: number, n: number, z: number = Z_95): Interval | null {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0 || k < 0 || k > n) {
    throw new RangeError(`wilsonInterval: need integers 0 ≤ k ≤ n, got k=${k}, n=${n}`);
  }
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const low = k === 0 ? 0 : Math.max(0, centre - half);
  const high = k === n ? 1 : Math.min(1, centre + half);
  return { low, high };
}
