// USD arithmetic of stored costs (DESIGN.md §3), shared by pricing and analysis. Pure.

/** Sum of costs where null (unknown) is contagious: any unknown part makes the total unknown. */
export function sumUsd(values: Array<number | null>): number | null {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

/** Relative drift between provider-reported and list-price cost above which a record is flagged. */
export const COST_DRIFT_THRESHOLD = 0.05;

/**
 * `(billed − list) / list`: how far the provider's reported cost (e.g. OpenRouter `usage.cost`)
 * departs from the list-price cost; positive when the provider charged more. Null when either is
 * unknown, or list is 0 (no ratio). Flag it when `|drift| > COST_DRIFT_THRESHOLD` (5%).
 */
export function costDrift(listUsd: number | null, billedUsd: number | null): number | null {
  if (listUsd === null || billedUsd === null || listUsd === 0) return null;
  return (billedUsd - listUsd) / listUsd;
}

/** Whether a drift is past the 5% threshold. */
export const driftFlagged = (drift: number | null): boolean => drift !== null && Math.abs(drift) > COST_DRIFT_THRESHOLD;

